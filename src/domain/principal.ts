/** The authenticated caller of an API request: a member acting within its team. */
export interface Principal {
  teamId: string;
  teamName: string;
  memberId: string;
  email: string;
  name: string;
  role: 'admin' | 'labeler' | 'reviewer';
  instanceAdmin: boolean;
  apiKeyId: string;
  /** Integer aliases of the team and the member (migration 008). */
  teamNum?: number;
  memberNum?: number;
}
