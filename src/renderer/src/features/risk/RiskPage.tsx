// The Risk page: the trading state and limit gauges, the scenario heat map and VaR, and the
// settings of every limit.
import { LimitGaugesPanel } from './LimitGaugesPanel.js';
import { RiskSettingsPanel } from './RiskSettingsPanel.js';
import { ScenarioPanel } from './ScenarioPanel.js';
import { VarPanel } from './VarPanel.js';

export function RiskPage({ stale }: { stale: boolean }) {
  return (
    <div className={`grid risk-grid ${stale ? 'stale' : ''}`} data-testid="risk-page">
      <LimitGaugesPanel />
      <ScenarioPanel />
      <VarPanel />
      <RiskSettingsPanel />
    </div>
  );
}
