/* Temporary stub while the real dialog is written. */
#include "config.h"
#include "pc-preferences-dialog.h"
struct _PcPreferencesDialog { GtkDialog parent_instance; };
G_DEFINE_FINAL_TYPE (PcPreferencesDialog, pc_preferences_dialog, GTK_TYPE_DIALOG)
static void pc_preferences_dialog_class_init (PcPreferencesDialogClass *klass) { }
static void pc_preferences_dialog_init (PcPreferencesDialog *self) { }
GtkWidget *pc_preferences_dialog_new (GtkWindow *parent, GSettings *settings) { return g_object_new (PC_TYPE_PREFERENCES_DIALOG, "transient-for", parent, NULL); }
