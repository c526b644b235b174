/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#include "config.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "pc-fuzz.h"

/* The regression replay of a fuzz target, built with any compiler: feeds
 * every file of the folders given (the seed corpus and the crashes found
 * so far) to LLVMFuzzerTestOneInput, in name order, and prints one TAP
 * line per folder. A crash or a sanitizer report ends the program, which
 * fails the test. */

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static guint
replay_folder (const char *folder)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (folder, 0, &error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    g_error ("cannot read %s: %s", folder, error->message);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.' && !g_str_equal (name, "README"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (folder, names->pdata[i], NULL);
      g_autofree char *contents = NULL;
      gsize len = 0;

      if (!g_file_get_contents (path, &contents, &len, &error))
        g_error ("cannot read %s: %s", path, error->message);
      /* A copy of exactly the input's size, so that ASan sees a read
       * past its end as libFuzzer would (never NULL, as with libFuzzer). */
      {
        g_autofree guint8 *input = g_malloc (MAX (len, 1));

        memcpy (input, contents, len);

        LLVMFuzzerTestOneInput (input, len);
      }
    }
  return names->len;
}

int
main (int    argc,
      char **argv)
{
  LLVMFuzzerInitialize (&argc, &argv);
  printf ("1..%d\n", argc - 1);
  for (int i = 1; i < argc; i++)
    {
      guint n = replay_folder (argv[i]);

      printf ("ok %d - %u inputs of %s\n", i, n, argv[i]);
      fflush (stdout);
    }
  return 0;
}
