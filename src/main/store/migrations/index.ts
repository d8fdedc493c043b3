// Numbered migrations, applied in order inside one transaction each. Append only:
// never edit a migration that has shipped; add the next number instead.
import { sql as m001 } from './001_initial.js';
import { sql as m002 } from './002_risk.js';
import { sql as m003 } from './003_backtest.js';
import { sql as m004 } from './004_order_types.js';
import { sql as m005 } from './005_venue_orders.js';
import { sql as m006 } from './006_brokers.js';
import { sql as m007 } from './007_hedge.js';
import { sql as m008 } from './008_ticket_context.js';

export const migrations: readonly { version: number; name: string; sql: string }[] = [
  { version: 1, name: 'initial', sql: m001 },
  { version: 2, name: 'risk', sql: m002 },
  { version: 3, name: 'backtest', sql: m003 },
  { version: 4, name: 'order_types', sql: m004 },
  { version: 5, name: 'venue_orders', sql: m005 },
  { version: 6, name: 'brokers', sql: m006 },
  { version: 7, name: 'hedge', sql: m007 },
  { version: 8, name: 'ticket_context', sql: m008 },
];
