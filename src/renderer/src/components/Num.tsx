// A formatted number with its raw value in data-value, so tests (and copy-paste) get the exact figure.
import { formatNumber, formatSigned, pnlClass } from '../lib/format.js';

export interface NumProps {
  value: number | null | undefined;
  decimals?: number;
  /** Colour by sign (green/red). */
  pnl?: boolean;
  /** Show a `+` on positive values. */
  signed?: boolean;
  testId?: string;
  className?: string;
  title?: string;
}

export function Num({ value, decimals = 2, pnl = false, signed = false, testId, className, title }: NumProps) {
  const text = signed ? formatSigned(value, decimals) : formatNumber(value, decimals);
  const classes = ['num', pnl ? pnlClass(value) : '', className ?? ''].filter(Boolean).join(' ');
  return (
    <span className={classes} data-testid={testId} data-value={value ?? ''} title={title}>
      {text}
    </span>
  );
}
