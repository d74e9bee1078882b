'use client';
// API Tokens: for the dts CLI and for scraping /api/metrics. A token is shown once, when created.
// Administrators also see every user's tokens, and can revoke any of them.
import { useCallback, useState } from 'react';
import { useAllTokens, useTokens } from '../data/settings';
import { Button } from '../ui/button';
import { Empty, ErrorMessage, Loading } from '../ui/states';
import { Card } from './card';
import { CreateTokenDialog } from './create-token-dialog';
import { TokenTable } from './token-table';

export function ApiTokensSection() {
  const tokens = useTokens();
  const [creating, setCreating] = useState(false);
  const closeCreate = useCallback(() => setCreating(false), []);
  return (
    <Card
      id="api-tokens"
      title="API Tokens"
      extra={
        <Button variant="primary" onClick={() => setCreating(true)}>
          Create Token
        </Button>
      }
      description={
        <>
          API tokens sign in the <code className="font-mono">dts</code> command line tool and scrapers of <code className="font-mono">/api/metrics</code>. A token acts as you until it expires or is
          revoked.
        </>
      }
    >
      {tokens.isPending ? (
        <Loading what="Loading tokens" />
      ) : tokens.error ? (
        <ErrorMessage error={tokens.error} className="m-4" />
      ) : tokens.data.length === 0 ? (
        <Empty>No API tokens. Create one to use the dts command line tool.</Empty>
      ) : (
        <TokenTable tokens={tokens.data} readAt={tokens.dataUpdatedAt} label="API tokens" />
      )}
      {creating && <CreateTokenDialog onClose={closeCreate} />}
    </Card>
  );
}

/** administrators: every user's tokens, with their owner */
export function AllTokensSection() {
  const tokens = useAllTokens(true);
  return (
    <Card id="all-api-tokens" title="All Users' Tokens" description="The API tokens of every user. Revoke one that is lost or no longer used; its programs can no longer sign in.">
      {tokens.isPending ? (
        <Loading what="Loading tokens" />
      ) : tokens.error ? (
        <ErrorMessage error={tokens.error} className="m-4" />
      ) : tokens.data.length === 0 ? (
        <Empty>No user has an API token.</Empty>
      ) : (
        <TokenTable tokens={tokens.data} readAt={tokens.dataUpdatedAt} showOwner label="All users' tokens" />
      )}
    </Card>
  );
}
