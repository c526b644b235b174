/* Temporary stub while the real dialog is written. */
#include "config.h"
#include "pc-connection-dialog.h"
struct _PcConnectionDialog { GtkDialog parent_instance; };
G_DEFINE_FINAL_TYPE (PcConnectionDialog, pc_connection_dialog, GTK_TYPE_DIALOG)
static void pc_connection_dialog_class_init (PcConnectionDialogClass *klass) { }
static void pc_connection_dialog_init (PcConnectionDialog *self) { }
GtkWidget *pc_connection_dialog_new (GtkWindow *parent, GSettings *settings, PcTransports *transports) { return g_object_new (PC_TYPE_CONNECTION_DIALOG, "transient-for", parent, NULL); }
