package runtime

import (
	"context"
	"errors"
	"regexp"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/actiongate/actiongate"
)

// roleCache keeps the temporary credentials of assumed roles until they are
// due for renewal. They are never written anywhere.
type roleCache struct {
	mu sync.Mutex
	m  map[roleKey]aws.Credentials
}

type roleKey struct {
	account, connector, role string
}

// roleSessionDuration is how long assumed-role credentials last.
const roleSessionDuration = time.Hour

// sessionNameUnsafe matches what an STS RoleSessionName may not hold.
var sessionNameUnsafe = regexp.MustCompile(`[^\w+=,.@-]`)

// roleCredentials returns temporary credentials of the role of IAM connector
// c, assuming it with the server's own AWS credentials when none are cached.
// The connector's ARN is the ExternalId, so that the role's trust policy can
// admit this connector and no other (condition sts:ExternalId); the session
// is named after the connector.
func (r *Runtime) roleCredentials(ctx context.Context, c *actiongate.Connector) (aws.Credentials, error) {
	key := roleKey{c.AccountID, c.ID, c.Auth.IAM.RoleARN}
	r.roles.mu.Lock()
	creds, ok := r.roles.m[key]
	r.roles.mu.Unlock()
	if ok && r.now().Add(5*time.Minute).Before(creds.Expires) {
		return creds, nil
	}
	v, err, _ := r.flight.Do("role\x00"+key.account+"\x00"+key.connector+"\x00"+key.role, func() (any, error) {
		return r.assumeRole(ctx, c)
	})
	if err != nil {
		return aws.Credentials{}, err
	}
	creds = v.(aws.Credentials)
	r.roles.mu.Lock()
	defer r.roles.mu.Unlock()
	if r.roles.m == nil {
		r.roles.m = make(map[roleKey]aws.Credentials)
	}
	r.roles.m[key] = creds
	return creds, nil
}

func (r *Runtime) assumeRole(ctx context.Context, c *actiongate.Connector) (aws.Credentials, error) {
	session := sessionNameUnsafe.ReplaceAllString("actiongate-"+c.ID, "-")
	if len(session) > 64 {
		session = session[:64]
	}
	out, err := sts.NewFromConfig(r.aws).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn:         aws.String(c.Auth.IAM.RoleARN),
		RoleSessionName: aws.String(session),
		ExternalId:      aws.String(c.ARN),
		DurationSeconds: aws.Int32(int32(roleSessionDuration / time.Second)),
	})
	if err != nil {
		r.log.WarnContext(ctx, "assuming a role failed", "account_id", c.AccountID, "connector_id", c.ID, "err", err)
		var api smithy.APIError
		if errors.As(err, &api) {
			return aws.Credentials{}, actiongate.Errorf(actiongate.KindUpstream,
				"Assuming role %s failed: %s: %s", c.Auth.IAM.RoleARN, api.ErrorCode(), api.ErrorMessage())
		}
		return aws.Credentials{}, actiongate.Errorf(actiongate.KindUpstream,
			"Assuming role %s failed: AWS STS could not be reached with the server's AWS credentials.", c.Auth.IAM.RoleARN)
	}
	cr := out.Credentials
	return aws.Credentials{
		AccessKeyID:     aws.ToString(cr.AccessKeyId),
		SecretAccessKey: aws.ToString(cr.SecretAccessKey),
		SessionToken:    aws.ToString(cr.SessionToken),
		Source:          "actiongate AssumeRole",
		CanExpire:       true,
		Expires:         aws.ToTime(cr.Expiration),
	}, nil
}
