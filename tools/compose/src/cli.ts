import { writeFileSync } from 'node:fs';
import { checkSupergraph, committedSupergraphPath, composeSupergraph } from './compose';

// `npm run compose` writes gateway/supergraph.graphql; `npm run compose:check` (CI) only verifies it.
if (process.argv.includes('--check')) {
  const check = checkSupergraph();
  if (!check.ok) {
    console.error(check.reason);
    process.exit(1);
  }
  console.log('supergraph is up to date');
} else {
  const composed = composeSupergraph();
  if (!composed.ok) {
    console.error(`composition failed:\n  ${composed.errors.join('\n  ')}`);
    process.exit(1);
  }
  writeFileSync(committedSupergraphPath, composed.supergraphSdl);
  console.log(`wrote ${committedSupergraphPath}`);
}
