/**
 * The signed-out page: a form to paste an API token (it is posted once and never kept in the page), and the reason
 * when a one-time link could not be used (already used, or expired).
 */
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.js';

export function SignIn(props: { linkError: string | null; onSignedIn: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    const form = event.currentTarget;
    const input = form.elements.namedItem('token') as HTMLInputElement;
    const token = input.value.trim();
    if (!token) {
      setError('Paste the API token (claude-worker token shows it), or open a link from `claude-worker dashboard`.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.signIn({ token });
      input.value = '';
      props.onSignedIn();
    } catch (err) {
      input.value = '';
      setError(err instanceof ApiError ? err.message : `Could not reach the server: ${String(err)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="sign-in" id="main">
      <h1>claude-worker</h1>
      {props.linkError ? (
        <p role="alert" className="problem">
          This sign-in link cannot be used: {props.linkError} Run <code>claude-worker dashboard</code> for a new link,
          or paste a token below.
        </p>
      ) : null}
      <form onSubmit={(event) => void submit(event)} aria-labelledby="sign-in-title">
        <h2 id="sign-in-title">Sign in</h2>
        <label htmlFor="token">API token</label>
        <input id="token" name="token" type="password" autoComplete="off" spellCheck={false} />
        {error ? (
          <p role="alert" className="problem">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        <p className="hint">
          Or run <code>claude-worker dashboard</code>: it prints a one-time link that signs you in.
        </p>
      </form>
    </main>
  );
}
