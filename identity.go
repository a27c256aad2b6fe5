package actiongate

import "time"

// Identity is a caller of the API: an access key in one account, with what it may
// do. Its secret access key is kept sealed in the Store (SecretRef kind
// SecretIdentity) and opened only to verify request signatures.
type Identity struct {
	AccessKeyID string
	AccountID   string
	// ARN names the identity in messages and audit records,
	// arn:aws:iam::<account>:user/<name>.
	ARN string
	// Admin identities may do everything in their own account.
	Admin bool
	// Policy is an IAM-style identity policy document (JSON); empty for none.
	Policy []byte
	// UserARN is the QuickSight user the key acts as when it invokes actions; empty
	// for none.
	UserARN     string
	CreatedTime time.Time
}
