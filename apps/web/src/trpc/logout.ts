// Signing out, for the console's shell: loaded on click, so that the shell (on every page) does
// not bring the client data layer into first paint.
import { getQueryClient, getTrpcClient } from "./react";

/** Ends the session on the server and forgets every cached answer of this tab. */
export async function signOut(): Promise<void> {
  try {
    await getTrpcClient().auth.logout.mutate();
  } finally {
    getQueryClient().clear();
  }
}
