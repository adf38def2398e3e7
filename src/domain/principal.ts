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
}
