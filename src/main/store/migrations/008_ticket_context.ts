// 008: a ticket carries the context it was checked under (mode, venue, account: JSON) — approval is
// bound to it — and why it was cancelled, rejected or expired. Tickets from before have no context
// and can no longer be approved.
export const sql = `
ALTER TABLE tickets ADD COLUMN context TEXT;
ALTER TABLE tickets ADD COLUMN status_reason TEXT;
`;
