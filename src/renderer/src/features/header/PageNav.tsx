// The page switch in the header (Cockpit | Risk | …), one button per entry of PAGES.
import { PAGES, showPage, usePage } from '../../stores/navigation.js';

export function PageNav() {
  const page = usePage();
  return (
    <nav className="page-nav segmented" aria-label="Pages">
      {PAGES.map((p) => (
        <button
          key={p.id}
          type="button"
          className="seg"
          data-testid={`nav-${p.id}`}
          aria-current={page === p.id ? 'page' : undefined}
          aria-pressed={page === p.id}
          title={p.title}
          onClick={() => showPage(p.id)}
        >
          {p.label}
        </button>
      ))}
    </nav>
  );
}
