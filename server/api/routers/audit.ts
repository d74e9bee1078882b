// The audit log: who did what, newest first. Administrators only.
import { z } from 'zod';
import { auditEntryView, listAudit, listAuditInput } from '../../services/audit';
import { adminProcedure, router } from '../trpc';

export const auditRouter = router({
  list: adminProcedure
    .input(listAuditInput.optional())
    .output(z.object({ items: z.array(auditEntryView), nextCursor: z.string().nullable() }))
    .query(({ input }) => listAudit(input ?? {})),
});
