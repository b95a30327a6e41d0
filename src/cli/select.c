/* src/cli/select.c -- the claims a command line names ("flowcheck list"
 * and "flowcheck run"): module names select a whole module, claim
 * identifiers one claim, no names everything; always in catalog order, each
 * claim at most once.  The registry (fc_modules, derivations/fc_module.h) is
 * the catalog; nothing here keeps a copy of it.  */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Allocate SEL for the registry with nothing selected; -1 on no memory.  */
static int
fc_cli_selection_alloc (fc_cli_selection *sel)
{
  size_t nm = fc_module_count ();
  memset (sel, 0, sizeof *sel);
  sel->n_modules = nm;
  sel->first = malloc ((nm + 1) * sizeof *sel->first);
  if (sel->first == NULL)
    return -1;
  sel->first[0] = 0;
  for (size_t m = 0; m < nm; m++)
    sel->first[m + 1] = sel->first[m] + fc_modules[m]->n_claims;
  /* +1: calloc (0) may return NULL, which must not look like failure.  */
  sel->claim = calloc (sel->first[nm] + 1, 1);
  sel->module = calloc (nm + 1, 1);
  if (sel->claim == NULL || sel->module == NULL)
    return -1;
  return 0;
}

static void
fc_cli_select_module (fc_cli_selection *sel, size_t m)
{
  sel->module[m] = 1;
  for (size_t i = sel->first[m]; i < sel->first[m + 1]; i++)
    sel->claim[i] = 1;
}

/* Module index of M in the registry (M is in it).  */
static size_t
fc_cli_module_index (const fc_module *m)
{
  size_t i = 0;
  while (fc_modules[i] != m)
    i++;
  return i;
}

/* Select one NAME: a module, else a claim.  -1 when it is neither.  */
static int
fc_cli_select_name (fc_cli_selection *sel, const char *name)
{
  const fc_module *module = fc_module_find (name);
  if (module != NULL)
    {
      fc_cli_select_module (sel, fc_cli_module_index (module));
      return 0;
    }
  const fc_claim *claim = fc_claim_find (name, &module);
  if (claim == NULL)
    return -1;
  size_t m = fc_cli_module_index (module);
  sel->claim[sel->first[m] + (size_t) (claim - module->claims)] = 1;
  return 0;
}

/* Mark whole every module of SEL whose claims were all named one by one
   (its figure data then has everything it needs), and count the claims.  */
static void
fc_cli_selection_complete (fc_cli_selection *sel)
{
  for (size_t m = 0; m < sel->n_modules; m++)
    {
      size_t k = sel->first[m];
      while (k < sel->first[m + 1] && sel->claim[k])
        k++;
      if (k == sel->first[m + 1] && k > sel->first[m])
        sel->module[m] = 1;
    }
  sel->n_selected = 0;
  for (size_t i = 0; i < sel->first[sel->n_modules]; i++)
    sel->n_selected += sel->claim[i];
}

int
fc_cli_select (const char *cmd, int n, char *const *names,
               fc_cli_selection *sel)
{
  if (fc_cli_selection_alloc (sel) != 0)
    {
      fc_cli_selection_free (sel);
      fc_cli_error (cmd, "out of memory");
      return FC_CLI_EXIT_USAGE;
    }
  for (size_t m = 0; n == 0 && m < sel->n_modules; m++)
    fc_cli_select_module (sel, m);
  for (int i = 0; i < n; i++)
    if (fc_cli_select_name (sel, names[i]) != 0)
      {
        fc_cli_error (cmd, "'%s' is neither a module nor a claim "
                      "(see 'flowcheck list')", names[i]);
        fc_cli_selection_free (sel);
        return FC_CLI_EXIT_USAGE;
      }
  fc_cli_selection_complete (sel);
  return 0;
}

void
fc_cli_selection_free (fc_cli_selection *sel)
{
  free (sel->first);
  free (sel->claim);
  free (sel->module);
  memset (sel, 0, sizeof *sel);
}

void
fc_cli_print_module_names (FILE *out)
{
  for (size_t m = 0; fc_modules[m] != NULL; m++)
    fprintf (out, " %s", fc_modules[m]->name);
  fputc ('\n', out);
}
