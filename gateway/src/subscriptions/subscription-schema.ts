import {
  buildASTSchema,
  Kind,
  parse,
  printSchema,
  type DefinitionNode,
  type EnumTypeDefinitionNode,
  type GraphQLSchema,
} from 'graphql';

/**
 * The enums the subscription payloads share with the query graph: taken from the supergraph the
 * gateway serves, so a status or an exam means the same value on both (and a new value added by a
 * subgraph arrives here with the next composition, not with an edit).
 */
export const SHARED_ENUMS = [
  'ExamCode',
  'AtoStatus',
  'RcbStatus',
  'CertificateStatus',
  'CertificationChange',
  'OrganizationCertificationStatus',
] as const;

/**
 * The subscription schema, served over WebSocket on /graphql (graphql-transport-ws) beside the
 * federated query graph. Every field reads the producers' JetStream streams, so any gateway replica
 * serves it and a cursor from one resumes on another.
 */
const SUBSCRIPTION_SDL = /* GraphQL */ `
  """
  Status changes pushed over WebSocket (protocol graphql-transport-ws, e.g. the graphql-ws client) on
  /graphql. Authenticate in connection_init with {"authorization": "Bearer <token>"} or
  {"authorization": "ApiKey <key>"} (or the Authorization header of the upgrade request); without one
  only the public fields are open.

  Every payload carries a cursor. Pass the last one you received as after when you subscribe again and
  you receive every change you missed, in order, exactly once, as long as the event streams still hold
  them (their retention); an older cursor is refused with CURSOR_EXPIRED, and you then start again
  without after (and reconcile with a query). While changes that are not yours go by, a CursorAdvanced
  payload brings your cursor forward at least every half minute (and once a replay is over), so a
  cursor you hold never falls behind more than that.
  """
  schema {
    query: Query
    subscription: Subscription
  }

  type Query {
    "The subscription schema as SDL (also served at GET /subscriptions.graphql)."
    subscriptionSchema: String!
  }

  type Subscription {
    "A person's certificate: issued or revoked (public, like verification). number as printed; case, spaces and dashes do not matter."
    certificateStatusChanged(number: String!, after: String): CertificateStatusUpdate!
    "A certification in the public registry of organizations: every lifecycle change (public, like verification). rcbId when two RCBs use the same number."
    organizationCertificationStatusChanged(
      certificateNumber: String!
      rcbId: ID
      after: String
    ): OrganizationCertificationStatusUpdate!
    "A candidate's own sittings and certificates: results released, sittings voided, certificates issued and revoked. Scheme staff name the candidate; a candidate may omit candidateId."
    candidateChanged(candidateId: ID, after: String): CandidateUpdate!
    "An RCB's own certifications in the registry and its own appointment. Scheme staff name the RCB; an RCB integration may omit rcbId."
    rcbChanged(rcbId: ID, after: String): RcbUpdate!
    "An ATO's own accreditation and its candidates' results and certificates. Scheme staff name the ATO; ATO staff may omit atoId."
    atoChanged(atoId: ID, after: String): AtoUpdate!
  }

  scalar Date
  scalar DateTime

  "No change of yours happened, but the streams moved on: keep this cursor to resume from here."
  type CursorAdvanced {
    cursor: String!
  }

  union CertificateStatusUpdate = CertificateStatusChange | CursorAdvanced
  union OrganizationCertificationStatusUpdate = OrganizationCertificationStatusChange | CursorAdvanced
  union CandidateUpdate =
    | SittingResultReleased
    | SittingVoided
    | CertificateIssued
    | CertificateRevoked
    | CursorAdvanced
  union RcbUpdate = OrganizationCertificationChanged | RcbAppointmentChanged | CursorAdvanced
  union AtoUpdate =
    | AtoAccreditationChanged
    | SittingResultReleased
    | SittingVoided
    | CertificateIssued
    | CertificateRevoked
    | CursorAdvanced

  type CertificateStatusChange {
    cursor: String!
    "The event's id: the same change never arrives twice with two ids."
    eventId: ID!
    number: String!
    "ISSUED or REVOKED"
    status: CertificateStatus!
    changedAt: DateTime!
  }

  type OrganizationCertificationStatusChange {
    cursor: String!
    eventId: ID!
    certificateNumber: String!
    rcbId: ID!
    change: CertificationChange!
    status: OrganizationCertificationStatus!
    "The certification's history version after the change"
    version: Int!
    changedAt: DateTime!
  }

  type SittingResultReleased {
    cursor: String!
    eventId: ID!
    sittingId: ID!
    candidateId: ID!
    candidateName: String!
    examCode: ExamCode!
    language: String!
    "null: a public session of the scheme or self-study"
    atoId: ID
    sessionId: ID!
    score: Int!
    maxScore: Int!
    percentage: Float!
    passed: Boolean!
    trainerEligible: Boolean!
    satOn: Date!
    releasedAt: DateTime!
  }

  type SittingVoided {
    cursor: String!
    eventId: ID!
    sittingId: ID!
    candidateId: ID!
    examCode: ExamCode!
    reason: String!
    voidedAt: DateTime!
  }

  type CertificateIssued {
    cursor: String!
    eventId: ID!
    certificateId: ID!
    number: String!
    sittingId: ID!
    candidateId: ID!
    holderName: String!
    examCode: ExamCode!
    language: String!
    atoId: ID
    percentage: Float!
    trainerEligible: Boolean!
    issuedAt: DateTime!
  }

  type CertificateRevoked {
    cursor: String!
    eventId: ID!
    certificateId: ID!
    number: String!
    sittingId: ID!
    candidateId: ID!
    reason: String!
    revokedAt: DateTime!
  }

  type OrganizationCertificationChanged {
    cursor: String!
    eventId: ID!
    certificationId: ID!
    certificateNumber: String!
    organizationId: ID!
    "The RCB holding the certification after the change"
    rcbId: ID!
    "On a change that moved the certification to another RCB (a transfer), the RCB it left; null otherwise. That RCB's rcbChanged receives the change too, with the public fields only: it is no longer its certification"
    previousRcbId: ID
    change: CertificationChange!
    status: OrganizationCertificationStatus!
    version: Int!
    changedAt: DateTime!
  }

  # Fields of the members of one union that share a name have the same type, so a client selects them
  # side by side without aliases; where they would differ, the name says whose status it is.
  type RcbAppointmentChanged {
    cursor: String!
    eventId: ID!
    rcbId: ID!
    name: String!
    rcbStatus: RcbStatus!
    previousRcbStatus: RcbStatus
    statusReason: String
    changedAt: DateTime!
  }

  type AtoAccreditationChanged {
    cursor: String!
    eventId: ID!
    "Always set (nullable only to match atoId of the other AtoUpdate members)"
    atoId: ID
    name: String!
    country: String!
    atoStatus: AtoStatus!
    previousAtoStatus: AtoStatus
    statusReason: String
    changedAt: DateTime!
  }
`;

/** The shared enums as the query graph's clients see them: join directives and inaccessible values removed. */
function sharedEnumsOf(supergraphSdl: string): EnumTypeDefinitionNode[] {
  const wanted = new Set<string>(SHARED_ENUMS);
  const found: EnumTypeDefinitionNode[] = [];
  for (const definition of parse(supergraphSdl).definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || !wanted.has(definition.name.value)) continue;
    found.push({
      ...definition,
      directives: [],
      values: (definition.values ?? [])
        .filter((value) => !(value.directives ?? []).some((d) => d.name.value === 'inaccessible'))
        .map((value) => ({ ...value, directives: [] })),
    });
  }
  const missing = SHARED_ENUMS.filter((name) => !found.some((e) => e.name.value === name));
  if (missing.length) throw new Error(`the supergraph has no enum ${missing.join(', ')} for subscriptions`);
  return found;
}

/** The subscription schema without resolvers; `subscriptionSchemaSdl` prints it for clients. */
export function buildSubscriptionTypes(supergraphSdl: string): GraphQLSchema {
  const definitions: DefinitionNode[] = [
    ...parse(SUBSCRIPTION_SDL).definitions,
    ...sharedEnumsOf(supergraphSdl),
  ];
  return buildASTSchema({ kind: Kind.DOCUMENT, definitions });
}

export function subscriptionSchemaSdl(schema: GraphQLSchema): string {
  return `${printSchema(schema)}\n`;
}
