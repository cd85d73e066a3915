'use client';

import { useApiMutation } from '@/components/admin/use-api-mutation';

/** Edit (a link to the form) and Delete of one row, with the refusal if there is one. */
function EditDelete({
  editHref,
  onDelete,
  error,
}: {
  editHref: string;
  onDelete: () => void;
  error: { message: string } | null;
}) {
  return (
    <>
      <a className="btn btn-ghost" href={editHref}>
        Edit
      </a>
      <button className="btn btn-ghost" type="button" onClick={onDelete}>
        Delete
      </button>
      {error ? <span role="alert">{error.message}</span> : null}
    </>
  );
}

/** Moves one place up or down by sending the whole new order (`PUT /routes/order`). */
export function RouteActions({ id, name, order }: { id: number; name: string; order: number[] }) {
  const { error, mutate, remove } = useApiMutation();
  const at = order.indexOf(id);
  const move = (by: -1 | 1) => {
    const ids = [...order];
    ids.splice(at, 1);
    ids.splice(at + by, 0, id);
    return mutate('PUT', '/routes/order', { ids });
  };
  return (
    <span className="row-actions">
      <button
        className="btn btn-ghost"
        type="button"
        disabled={at <= 0}
        aria-label={`Move ${name} up`}
        onClick={() => void move(-1)}
      >
        ↑
      </button>
      <button
        className="btn btn-ghost"
        type="button"
        disabled={at < 0 || at >= order.length - 1}
        aria-label={`Move ${name} down`}
        onClick={() => void move(1)}
      >
        ↓
      </button>
      <EditDelete
        editHref={`/routes?edit=${id}`}
        onDelete={() => void remove(`/routes/${id}`, `Delete the route "${name}"?`)}
        error={error}
      />
    </span>
  );
}

/** Edit and delete of an escalation policy; one a route names answers which (409). */
export function PolicyActions({ id, name }: { id: number; name: string }) {
  const { error, remove } = useApiMutation();
  return (
    <span className="row-actions">
      <EditDelete
        editHref={`/routes?editPolicy=${id}`}
        onDelete={() =>
          void remove(`/escalations/${id}`, `Delete the escalation policy "${name}"?`)
        }
        error={error}
      />
    </span>
  );
}
