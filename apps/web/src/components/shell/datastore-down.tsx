/** What a page shows instead of itself while pgvigil's datastore cannot be reached. */
export function DatastoreDown() {
  return (
    <section className="panel" aria-labelledby="datastore-down-title" data-testid="datastore-down">
      <h1 id="datastore-down-title">pgvigil cannot show this page right now</h1>
      <p>
        Its datastore, where every sample, alert and setting lives, does not answer: the notice
        above says since when and what pgvigil is doing about it. This page loads by itself once the
        datastore is back.
      </p>
    </section>
  );
}
