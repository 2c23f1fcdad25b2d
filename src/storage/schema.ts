// The database as Kysely sees it. Times are integers: milliseconds since the Unix epoch, UTC.
import type { Generated, Kysely } from 'kysely';

export interface UsersTable {
  id: Generated<number>;
  username: string;
  username_lower: string;
  display_name: string;
  email: string;
  password_hash: string;
  is_admin: number;
  active: number;
  created_at: number;
}

export interface LoginFailuresTable {
  username_lower: string; // counted for unknown usernames too, so the throttle does not reveal which exist
  failures: number;
  window_start: number;
}

export interface SessionsTable {
  id_hash: string; // SHA-256 of the cookie value: a leaked table does not hand out sessions
  csrf_token: string;
  /**
   * anonymous → (password) → second_factor → authenticated; or → enrolment_required when the policy demands
   * a second factor the user does not have yet (only the enrolment pages answer then).
   */
  state: 'anonymous' | 'second_factor' | 'enrolment_required' | 'authenticated';
  user_id: number | null;
  login_tx: string | null; // the login (or step-up) transaction a push challenge must belong to
  created_at: number;
  expires_at: number;
  verified_at: number | null; // last time this session proved its user: login or step-up check
  ceremony: string | null; // JSON: a pending WebAuthn challenge, consumed once
  factor_failures: Generated<number>; // wrong second-factor answers in this login transaction
}

export interface AuthenticatorsTable {
  id: string;
  user_id: number;
  name: string;
  public_key: string; // SPKI, base64 (ECDSA P-256); the server never holds a private key
  created_at: number;
  last_used_at: number | null;
}

export interface EnrollmentCodesTable {
  code_hash: string;
  user_id: number;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface PushChallengesTable {
  id: string;
  user_id: number;
  login_tx: string;
  service: string;
  application: string | null;
  ip: string;
  symbol: string;
  candidates: string; // JSON array of symbol names
  state: 'pending' | 'approved' | 'denied' | 'reported' | 'suspended' | 'used';
  created_at: number;
  expires_at: number;
  decided_at: number | null;
  decided_by: string | null; // authenticator id
}

export interface ConsumersTable {
  consumer_key: string;
  name: string;
  public_key: string; // PEM SPKI
  callback_url: string | null;
  allow_no_verifier: number; // legacy OAuth 1.0 (no callback, no verifier); off unless an admin allows it
  created_at: number;
}

export interface RequestTokensTable {
  token_hash: string;
  consumer_key: string;
  callback: string; // 'oob' or an absolute URL
  state: 'new' | 'authorized' | 'denied' | 'used';
  user_id: number | null;
  verifier: string | null;
  created_at: number;
  expires_at: number;
}

export interface AccessTokensTable {
  token_hash: string;
  consumer_key: string;
  user_id: number;
  session_handle_hash: string;
  created_at: number;
  expires_at: number;
  authorization_expires_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface OAuthNoncesTable {
  consumer_key: string;
  token: string; // '' when the request carried no token
  timestamp: number;
  nonce: string;
  created_at: number;
}

export interface ProjectsTable {
  id: Generated<number>;
  project_key: string;
  name: string;
  description: string;
  lead_id: number;
  issue_counter: number;
  created_at: number;
}

export interface IssueTypesTable {
  id: string;
  name: string;
  description: string;
  subtask: number;
  hierarchy_level: number;
  position: number;
}

export interface PrioritiesTable {
  id: string;
  name: string;
  description: string;
  color: string;
  position: number;
}

export interface StatusesTable {
  id: string;
  name: string;
  description: string;
  category_key: string;
  position: number;
}

export interface IssuesTable {
  id: Generated<number>;
  project_id: number;
  number: number;
  issue_key: string;
  issue_type_id: string;
  summary: string;
  description: string | null;
  priority_id: string;
  status_id: string;
  reporter_id: number | null;
  creator_id: number;
  assignee_id: number | null;
  created_at: number;
  updated_at: number;
  resolution_id: string | null;
  resolved_at: number | null;
  due_date: string | null; // YYYY-MM-DD
  environment: string | null;
  parent_id: number | null;
}

export interface CommentsTable {
  id: Generated<number>;
  issue_id: number;
  author_id: number;
  body: string;
  created_at: number;
  updated_at: number;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  actor_id: number | null;
  event: string;
  detail: string; // JSON
  ip: string | null;
}

export interface ResolutionsTable {
  id: string;
  name: string;
  description: string;
  position: number;
}

export interface WorkflowTransitionsTable {
  id: string;
  name: string;
  from_status_id: string | null; // null: from any status
  to_status_id: string;
  position: number;
}

/**
 * The issue's own project_id and created_at, copied into each link row (migration 0006) so that a search by
 * label, component or fix version is filtered, counted and ordered in the link table's index. Set on insert
 * from the issue; a foreign key on (issue_id, project_id, created_at) rejects any other values.
 */
interface IssueLinkColumns {
  issue_id: number;
  project_id: number;
  created_at: number;
}

export interface IssueLabelsTable extends IssueLinkColumns {
  label: string;
}

export interface ComponentsTable {
  id: Generated<number>;
  project_id: number;
  name: string;
  description: string;
  lead_id: number | null;
  created_at: number;
}

export interface VersionsTable {
  id: Generated<number>;
  project_id: number;
  name: string;
  description: string;
  released: number;
  archived: number;
  release_date: string | null; // YYYY-MM-DD
  position: number;
  created_at: number;
}

export interface IssueComponentsTable extends IssueLinkColumns {
  component_id: number;
}

export interface IssueFixVersionsTable extends IssueLinkColumns {
  version_id: number;
}

export interface ChangelogTable {
  id: Generated<number>;
  issue_id: number;
  author_id: number | null;
  created_at: number;
}

export interface ChangelogItemsTable {
  id: Generated<number>;
  changelog_id: number;
  field: string; // Jira's field name: status, assignee, summary, labels, …
  field_type: string; // 'jira' for system fields
  from_value: string | null;
  from_string: string | null;
  to_value: string | null;
  to_string: string | null;
}

export interface ProjectMembersTable {
  project_id: number;
  user_id: number;
  role: 'viewer' | 'member' | 'admin';
}

export interface UserGroupsTable {
  name: string;
  created_at: number;
}

export interface GroupMembersTable {
  group_name: string;
  user_id: number;
}

export interface TotpCredentialsTable {
  id: string;
  user_id: number;
  name: string;
  secret: string; // base32; a shared secret by nature (see docs/security.md)
  confirmed_at: number | null; // counts as a factor only once confirmed by a code
  last_used_step: number | null; // the newest 30 s step accepted: each code works once
  created_at: number;
  last_used_at: number | null;
}

export interface WebauthnCredentialsTable {
  id: string; // credential id, base64url
  user_id: number;
  name: string;
  public_key: string; // COSE public key, base64url
  counter: number;
  transports: string; // JSON array
  created_at: number;
  last_used_at: number | null;
}

export interface RecoveryCodesTable {
  id: Generated<number>;
  user_id: number;
  code_hash: string; // SHA-256 of the normalised code
  created_at: number;
  used_at: number | null;
}

export interface SettingsTable {
  key: string;
  value: string; // JSON
  updated_at: number;
}

export interface Database {
  users: UsersTable;
  login_failures: LoginFailuresTable;
  sessions: SessionsTable;
  authenticators: AuthenticatorsTable;
  enrollment_codes: EnrollmentCodesTable;
  push_challenges: PushChallengesTable;
  consumers: ConsumersTable;
  request_tokens: RequestTokensTable;
  access_tokens: AccessTokensTable;
  oauth_nonces: OAuthNoncesTable;
  projects: ProjectsTable;
  issue_types: IssueTypesTable;
  priorities: PrioritiesTable;
  statuses: StatusesTable;
  issues: IssuesTable;
  comments: CommentsTable;
  audit_log: AuditLogTable;
  resolutions: ResolutionsTable;
  workflow_transitions: WorkflowTransitionsTable;
  issue_labels: IssueLabelsTable;
  components: ComponentsTable;
  versions: VersionsTable;
  issue_components: IssueComponentsTable;
  issue_fix_versions: IssueFixVersionsTable;
  changelog: ChangelogTable;
  changelog_items: ChangelogItemsTable;
  project_members: ProjectMembersTable;
  user_groups: UserGroupsTable;
  group_members: GroupMembersTable;
  totp_credentials: TotpCredentialsTable;
  webauthn_credentials: WebauthnCredentialsTable;
  recovery_codes: RecoveryCodesTable;
  settings: SettingsTable;
}

export type Db = Kysely<Database>;
