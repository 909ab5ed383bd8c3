import { randomUUID } from 'node:crypto';
import { PUBLIC_VIEWER, type Viewer } from '@iso20000/auth';

/**
 * The viewers tests run operations as, shaped as the authenticator builds them from a token or an
 * API key, so a test's viewer is one the gateway could have forwarded.
 */
export const viewers = {
  public: PUBLIC_VIEWER,
  candidate(candidateId: string = randomUUID(), name = 'Ada Candidate'): Viewer {
    return { role: 'candidate', subject: `candidate-${candidateId}`, candidateId, name };
  },
  atoStaff(atoId: string): Viewer {
    return { role: 'ato_staff', subject: `ato-staff-${atoId}`, atoId };
  },
  /** An RCB's API key: the subject names the credential, as the authenticator's is. */
  rcbIntegration(rcbId: string, credentialId: string = randomUUID()): Viewer {
    return { role: 'rcb_integration', subject: `credential:${credentialId}`, rcbId, credentialId };
  },
  analyst(subject = 'analyst-1'): Viewer {
    return { role: 'analyst', subject, name: 'Otto Analyst' };
  },
  schemeStaff(subject = 'staff-1'): Viewer {
    return { role: 'scheme_staff', subject, name: 'Sam Scheme' };
  },
} as const;
