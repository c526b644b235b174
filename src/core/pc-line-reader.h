/* SPDX-License-Identifier: GPL-3.0-or-later
 * SPDX-FileCopyrightText: 2026 The pipecalc developers */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Framing: the bytes of one connection cut into lines, one growable buffer
 * per connection and no allocation per line. PcLineChannel reads through
 * it; it does no I/O itself. */

typedef enum
{
  PC_LINE_NONE,      /* no complete line buffered yet */
  PC_LINE_OK,        /* a line, without its \n or \r\n */
  PC_LINE_TOO_LONG,  /* a line passed the limit; the rest up to its \n is skipped */
} PcLineStatus;

typedef struct _PcLineReader PcLineReader;

/* Whether @line (@len bytes, or up to its NUL when @len is -1) holds only
 * spaces, tabs and line ends. A blank line carries no request and gets no
 * reply, so a client must not send one and wait for an answer. */
gboolean      pc_line_is_blank       (const char    *line,
                                      gssize         len);

PcLineReader *pc_line_reader_new     (gsize          max_line);
void          pc_line_reader_free    (PcLineReader  *self);
/* Room for at least @want bytes to read into; commit what was read. */
guint8       *pc_line_reader_prepare (PcLineReader  *self,
                                      gsize          want);
void          pc_line_reader_commit  (PcLineReader  *self,
                                      gsize          n_read);
/* The next line; @line points into the reader's buffer and stays valid
 * until the next prepare(). For PC_LINE_TOO_LONG, @looks_json says whether
 * the over-long line started like JSON, so the error matches its mode. */
PcLineStatus  pc_line_reader_next    (PcLineReader  *self,
                                      const char   **line,
                                      gsize         *len,
                                      gboolean      *looks_json);
gsize         pc_line_reader_pending (PcLineReader  *self);
gsize         pc_line_reader_max_line (PcLineReader *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PcLineReader, pc_line_reader_free)

/* Whether bytes of a line that has not ended yet were read: a partial
 * line is buffered, or an over-long one is being skipped. */
gboolean      pc_line_reader_in_line (PcLineReader  *self);

G_END_DECLS
