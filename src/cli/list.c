/* src/cli/list.c -- "flowcheck list": the claim catalog.
 *
 * One row per claim: identifier, module, expected verdict, source section
 * and the one-line statement (ARCHITECTURE.md "Contracts": a claim is found
 * by its identifier); with --markdown the whole catalog, controls and
 * figures included (markdown.c).  The table is read from the module
 * registry, so it is the catalog in code, not a copy that could drift.  */
#include <config.h>

#include <stdio.h>

#include "cli.h"

void
fc_cli_list_usage (FILE *out)
{
  fputs ("Usage: flowcheck list [--tsv | --markdown] [MODULE|CLAIM]...\n"
         "\n"
         "Print every claim of the catalog (or those of the named modules and\n"
         "claims): identifier, module, expected verdict, source section and\n"
         "statement.  Claims are listed in catalog order.\n"
         "\n"
         "Options:\n"
         "  --tsv       tab-separated output with the header line\n"
         "              id module expected section statement\n"
         "  --markdown  the catalog in Markdown (CATALOG.md is this output;\n"
         "              'make catalog' rewrites it): a title and a preamble\n"
         "              (what the verdicts mean, what a control is), then per\n"
         "              module a heading 'NAME: title', the table\n"
         "              | id | expected | source section | statement | controls |\n"
         "              with each control as 'name (what it changes) -> VERDICT'\n"
         "              (separated by <br>; '|' in a cell is escaped as '\\|'),\n"
         "              and the module's figures that show a listed claim:\n"
         "              script, claims shown, data files\n"
         "  -h, --help  print this help and exit\n"
         "\n"
         "Modules:", out);
  fc_cli_print_module_names (out);
  fputs ("\n"
         "Examples:\n"
         "  flowcheck list\n"
         "  flowcheck list --tsv continuity\n"
         "  flowcheck list --markdown > CATALOG.md\n"
         "\n"
         "Exit status: 0 success; 1 the output could not be written; 2 bad\n"
         "usage (--tsv with --markdown) or an unknown module or claim.\n",
         out);
}

/* Column widths of the aligned table over the selected claims.  */
typedef struct
{
  int id, module, expected, section;
} fc_cli_list_widths;

static int
fc_cli_max (int a, size_t b)
{
  return (size_t) a > b ? a : (int) b;
}

/* Columns S takes on a terminal: its UTF-8 characters, not its bytes (the
   source sections use "§"), so the table stays aligned.  */
static size_t
fc_cli_width (const char *s)
{
  size_t w = 0;
  for (; *s != '\0'; s++)
    w += ((unsigned char) *s & 0xC0) != 0x80; /* not a continuation byte */
  return w;
}

/* S then blanks up to WIDTH columns, then the two-blank gutter.  */
static void
fc_cli_put_cell (const char *s, int width)
{
  fputs (s, stdout);
  for (size_t w = fc_cli_width (s); w < (size_t) width + 2; w++)
    fputc (' ', stdout);
}

static fc_cli_list_widths
fc_cli_list_measure (const fc_cli_selection *sel)
{
  fc_cli_list_widths w = { 2, 6, 8, 7 }; /* the header words */
  for (size_t m = 0; m < sel->n_modules; m++)
    {
      const fc_module *mod = fc_modules[m];
      for (size_t i = 0; i < mod->n_claims; i++)
        {
          const fc_claim *c = &mod->claims[i];
          if (!fc_cli_selected (sel, m, i))
            continue;
          w.id = fc_cli_max (w.id, fc_cli_width (c->id));
          w.module = fc_cli_max (w.module, fc_cli_width (mod->name));
          w.expected = fc_cli_max (w.expected,
                                   fc_cli_width (fc_verdict_name (c->expected)));
          w.section = fc_cli_max (w.section, fc_cli_width (c->section));
        }
    }
  return w;
}

/* S with tabs and line breaks as blanks, so a TSV field stays one field.  */
static void
fc_cli_put_field (FILE *out, const char *s)
{
  for (; *s != '\0'; s++)
    fputc ((*s == '\t' || *s == '\n' || *s == '\r') ? ' ' : *s, out);
}

static void
fc_cli_list_tsv (const fc_cli_selection *sel)
{
  fputs ("id\tmodule\texpected\tsection\tstatement\n", stdout);
  for (size_t m = 0; m < sel->n_modules; m++)
    for (size_t i = 0; i < fc_modules[m]->n_claims; i++)
      {
        const fc_claim *c = &fc_modules[m]->claims[i];
        if (!fc_cli_selected (sel, m, i))
          continue;
        const char *field[5] = { c->id, fc_modules[m]->name,
                                 fc_verdict_name (c->expected), c->section,
                                 c->statement };
        for (int f = 0; f < 5; f++)
          {
            fc_cli_put_field (stdout, field[f]);
            fputc (f < 4 ? '\t' : '\n', stdout);
          }
      }
}

static void
fc_cli_list_row (const fc_cli_list_widths *w, const char *id,
                 const char *module, const char *expected,
                 const char *section, const char *statement)
{
  fc_cli_put_cell (id, w->id);
  fc_cli_put_cell (module, w->module);
  fc_cli_put_cell (expected, w->expected);
  fc_cli_put_cell (section, w->section);
  puts (statement);
}

static void
fc_cli_list_table (const fc_cli_selection *sel)
{
  fc_cli_list_widths w = fc_cli_list_measure (sel);
  fc_cli_list_row (&w, "ID", "MODULE", "EXPECTED", "SECTION", "STATEMENT");
  for (size_t m = 0; m < sel->n_modules; m++)
    for (size_t i = 0; i < fc_modules[m]->n_claims; i++)
      {
        const fc_claim *c = &fc_modules[m]->claims[i];
        if (fc_cli_selected (sel, m, i))
          fc_cli_list_row (&w, c->id, fc_modules[m]->name,
                           fc_verdict_name (c->expected), c->section,
                           c->statement);
      }
}

/* The options of list: the output format.  */
typedef struct
{
  int tsv;
  int markdown;
} fc_cli_list_args;

/* Store option C of list into ARGS (an fc_cli_list_args); 0, or
   FC_CLI_EXIT_USAGE when both formats are asked for.  */
static int
fc_cli_list_option (void *args, int c)
{
  fc_cli_list_args *a = args;
  if (c == FC_CLI_OPT_TSV)
    a->tsv = 1;
  else /* FC_CLI_OPT_MARKDOWN */
    a->markdown = 1;
  if (a->tsv && a->markdown)
    {
      fc_cli_error ("list", "--tsv and --markdown are two formats: "
                    "give one");
      return FC_CLI_EXIT_USAGE;
    }
  return 0;
}

int
fc_cli_list (int argc, char **argv)
{
  static const struct option longopts[] = {
    { "tsv", no_argument, NULL, FC_CLI_OPT_TSV },
    { "markdown", no_argument, NULL, FC_CLI_OPT_MARKDOWN },
    FC_CLI_HELP_AND_END
  };
  static const fc_cli_parser parser = {
    "list", longopts, fc_cli_list_usage, fc_cli_list_option, NULL
  };
  fc_cli_list_args a = { 0, 0 };
  fc_cli_selection sel;

  int status = fc_cli_parse (&parser, argc, argv, &a);
  if (status != FC_CLI_PARSED)
    return status;
  status = fc_cli_select ("list", argc - optind, argv + optind, &sel);
  if (status != 0)
    return status;
  if (a.markdown)
    fc_cli_list_markdown (&sel);
  else if (a.tsv)
    fc_cli_list_tsv (&sel);
  else
    fc_cli_list_table (&sel);
  fc_cli_selection_free (&sel);
  return fc_cli_finish_output ("list", FC_CLI_EXIT_OK);
}
