/**
 * `claude-worker dashboard [--no-open]`: asks the server for a one-time sign-in link (`POST
 * /api/v1/dashboard/links`), prints it, and opens it in the browser unless --no-open, CI, or no display. Like other
 * commands it reaches the local server (starting it when none runs) or the configured url (exit 3 when it does
 * not answer).
 */
import type { Command } from 'commander';
import { connect } from '../connect.js';
import type { CliRun } from '../context.js';
import { openInBrowser, whyNotOpen } from '../open-browser.js';

export function registerDashboard(program: Command, run: CliRun): void {
  program
    .command('dashboard')
    .description('Print a one-time sign-in link to the web dashboard and open it in the browser')
    .option('--no-open', 'print the link only')
    .addHelpText(
      'after',
      `
The link works once, within 10 minutes; it starts a browser session (12 hours idle, 7 days at most). Run the
command again for a new link. The browser is not opened in CI or without a display.

Exit codes: 0 link printed, 3 server unreachable.`,
    )
    .action(async (options: { open: boolean }, command: Command) => {
      const context = run.context(command);
      const client = await connect(context);
      const link = await client.createDashboardLink();
      context.print(link.url);
      const minutes = Math.round((Date.parse(link.expires_at) - Date.now()) / 60_000);
      context.note(`This sign-in link works once, for the next ${minutes} minutes.`);
      if (!options.open) return;
      const reason = whyNotOpen(context.io.env);
      if (reason) {
        context.note(`Not opening a browser (${reason}); open the link above yourself.`);
        return;
      }
      openInBrowser(link.url);
    });
}
