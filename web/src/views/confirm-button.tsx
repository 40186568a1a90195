/**
 * A button for an action that cannot be undone (Cancel a running task or orchestration): the first click only asks,
 * in place, what will happen; the action runs on the second, explicit button. Keeping is the focused choice, and
 * Escape keeps too, so a stray click or Enter never stops an agent's work.
 */
import { useEffect, useId, useRef, useState } from 'react';

export function ConfirmButton(props: {
  /** The button's word ("Cancel"). */
  label: string;
  /** What the action does, asked as a question ("Cancel task #12? …"). */
  question: string;
  /** The button that acts ("Cancel the task"). */
  confirm: string;
  /** The button that keeps things as they are ("Keep it running"). */
  keep: string;
  onConfirm: () => void;
}) {
  const [asking, setAsking] = useState(false);
  const keepButton = useRef<HTMLButtonElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);
  const group = useRef<HTMLDivElement>(null);
  const questionId = useId();

  useEffect(() => {
    if (asking) keepButton.current?.focus();
    else if (wasAsking.current) opener.current?.focus();
    wasAsking.current = asking;
  }, [asking]);

  if (!asking)
    return (
      <button type="button" className="danger" ref={opener} onClick={() => setAsking(true)}>
        {props.label}
      </button>
    );
  return (
    <div
      role="group"
      aria-labelledby={questionId}
      className="confirm"
      ref={group}
      tabIndex={-1}
      onKeyDown={(event) => {
        if (event.key === 'Escape') setAsking(false);
      }}
    >
      <span className="confirm-question" id={questionId}>
        {props.question}
      </span>
      <button
        type="button"
        className="danger"
        onClick={() => {
          // The button goes away with the action: keep the keyboard's place on the view's heading.
          const heading = group.current?.closest('article')?.querySelector<HTMLElement>('h1') ?? null;
          wasAsking.current = false;
          setAsking(false);
          if (heading) {
            heading.tabIndex = -1;
            heading.focus();
          }
          props.onConfirm();
        }}
      >
        {props.confirm}
      </button>
      <button type="button" className="quiet" ref={keepButton} onClick={() => setAsking(false)}>
        {props.keep}
      </button>
    </div>
  );
}
