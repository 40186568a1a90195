/**
 * The app shell: finds out whether a session exists (or starts one from a one-time link), then shows the sign-in
 * form or the navigation and the current view. Views other than the task list load on demand.
 */
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { api, whenSignedOut } from './api.js';
import { closeLive } from './live.js';
import { Link, navigate, usePath } from './router.js';
import { SignIn } from './views/sign-in.js';
import { TasksView } from './views/tasks.js';

const TaskView = lazy(() => import('./views/task.js'));
const OrchestrationsView = lazy(() => import('./views/orchestrations.js'));
const loadOrchestrationView = () => import('./views/orchestration.js');
const OrchestrationView = lazy(loadOrchestrationView);
const NewTaskView = lazy(() => import('./views/new-task.js'));
const WorkflowView = lazy(() => import('./views/workflow-editor.js'));
const SystemView = lazy(() => import('./views/system.js'));

type Session = 'checking' | 'signed-out' | 'signed-in';

const NAV = [
  { href: '/tasks', label: 'Tasks' },
  { href: '/orchestrations', label: 'Orchestrations' },
  { href: '/new', label: 'New' },
  { href: '/workflows', label: 'Workflows' },
  { href: '/system', label: 'System' },
];

/** Reads `#code=` from a one-time link and removes it from the address bar and history before anything else. */
function takeCodeFromUrl(): string | null {
  const match = /(?:^#|&)code=([^&]+)/.exec(location.hash);
  if (!match?.[1]) return null;
  history.replaceState(null, '', location.pathname === '/sign-in' ? '/' : location.pathname);
  return decodeURIComponent(match[1]);
}

const linkCode = takeCodeFromUrl();

// An orchestration's page opened directly (a large graph's page is the slow one): its code loads while the
// session is checked, not after.
if (/^\/orchestrations\/\d+$/.test(location.pathname)) void loadOrchestrationView();

export function App() {
  const [session, setSession] = useState<Session>('checking');
  const [linkError, setLinkError] = useState<string | null>(null);
  const path = usePath();

  useEffect(() => {
    whenSignedOut(() => {
      closeLive();
      setSession('signed-out');
    });
    const start = async (): Promise<void> => {
      if (linkCode) {
        try {
          await api.signIn({ code: linkCode });
          setSession('signed-in');
          return;
        } catch (err) {
          setLinkError(err instanceof Error ? err.message : String(err));
        }
      }
      try {
        const state = await api.session();
        setSession(state.signed_in ? 'signed-in' : 'signed-out');
      } catch {
        setSession('signed-out');
      }
    };
    void start();
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api.signOut();
    } finally {
      closeLive();
      setSession('signed-out');
      navigate('/', true);
    }
  }, []);

  if (session === 'checking') return <p className="loading">Loading…</p>;
  if (session === 'signed-out') {
    return <SignIn linkError={linkError} onSignedIn={() => setSession('signed-in')} />;
  }
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">claude-worker</span>
        <nav aria-label="Main">
          <ul>
            {NAV.map((item) => (
              <li key={item.href}>
                <Link href={item.href} aria-current={path.startsWith(item.href) ? 'page' : undefined}>
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <button type="button" className="quiet" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<p className="loading">Loading…</p>}>{route(path)}</Suspense>
      </main>
    </div>
  );
}

function route(path: string) {
  const pathname = path.split('?')[0] ?? '/';
  let m: RegExpExecArray | null;
  if ((m = /^\/tasks\/(\d+)$/.exec(pathname))) return <TaskView id={Number(m[1])} key={m[1]} />;
  if ((m = /^\/orchestrations\/(\d+)$/.exec(pathname)))
    return <OrchestrationView id={Number(m[1])} key={m[1]} />;
  if (pathname === '/orchestrations') return <OrchestrationsView />;
  if (pathname === '/new') return <NewTaskView />;
  if (pathname === '/workflows') return <WorkflowView />;
  if (pathname === '/system') return <SystemView />;
  return <TasksView />;
}
