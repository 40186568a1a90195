/** A status as its word with its colour (the colour is never the only signal). */
export function Status(props: { status: string }) {
  return <span className={`status status-${props.status}`}>{props.status}</span>;
}

/** An action's error, shown where the action is. */
export function ErrorNote(props: { error: string | null }) {
  return props.error ? (
    <p role="alert" className="problem">
      {props.error}
    </p>
  ) : null;
}
