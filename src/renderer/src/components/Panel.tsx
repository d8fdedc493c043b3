// A titled panel of the cockpit grid; the body scrolls, the title stays.
import type { ReactNode } from 'react';

export interface PanelProps {
  title: string;
  area: string;
  children: ReactNode;
  /** Extra class on the body (e.g. `flush` for edge-to-edge tables and charts). */
  bodyClassName?: string;
}

export function Panel({ title, area, children, bodyClassName }: PanelProps) {
  const headingId = `panel-${area}-title`;
  return (
    <section className={`panel area-${area}`} aria-labelledby={headingId}>
      <header className="panel-head">
        <h2 id={headingId}>{title}</h2>
      </header>
      <div className={`panel-body ${bodyClassName ?? ''}`}>{children}</div>
    </section>
  );
}

/** An empty-state line inside a panel. */
export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}
