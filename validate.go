package actiongate

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The model's patterns, anchored: a Smithy @pattern is not implicitly anchored,
// but a value that only contains a match is not a valid value.
var (
	accountIDPattern   = regexp.MustCompile(`^[0-9]{12}$`)
	connectorIDPattern = regexp.MustCompile(`^[\w\-]+$`)
	namePattern        = regexp.MustCompile(`^[A-Za-z0-9](?:[\w- ]*[A-Za-z0-9])?$`)
	descriptionPattern = regexp.MustCompile(`^[A-Za-z0-9 _.,!?-]*$`)
	emailPattern       = regexp.MustCompile(`^[\w.%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$`)
	actionIDPattern    = regexp.MustCompile(`^[\w@:_.,!?+-/]+$`)
	roleARNPattern     = regexp.MustCompile(`^arn:aws[\w-]*:iam::[0-9]{12}:role/[\w+=,.@/-]+$`)
	vpcConnARNPattern  = regexp.MustCompile(`^arn:aws[\w-]*:quicksight:[a-z0-9-]+:[0-9]{12}:vpcConnection/[\w-]+$`)
	principalPattern   = regexp.MustCompile(`^arn:aws:quicksight:([a-z0-9-]+):([0-9]{12}):(user|group)/([^/]+)/(.+)$`)
)

// reservedIDPrefix starts the ids QuickSight keeps for connectors it manages itself.
const reservedIDPrefix = "quicksuite-"

// Model limits.
const (
	MaxPermissions       = 64  // principals in a permission list, and on a connector
	MaxPermissionActions = 20  // actions in one permission
	MaxTags              = 200 // tags in a request, and on a resource
	MaxEnabledActions    = 100
	MaxPageSize          = 100
)

// PermissionActions are the actions a connector permission may grant: the
// QuickSight IAM actions on action connectors.
var PermissionActions = []string{
	"quicksight:CreateActionConnector",
	"quicksight:DescribeActionConnector",
	"quicksight:DescribeActionConnectorPermissions",
	"quicksight:UpdateActionConnector",
	"quicksight:UpdateActionConnectorPermissions",
	"quicksight:DeleteActionConnector",
	"quicksight:ListActionConnectors",
	"quicksight:SearchActionConnectors",
}

// OwnerActions are the actions that make a principal an owner of a connector;
// ViewerActions make it a viewer. Owners and viewers may use the enabled actions.
var (
	OwnerActions = []string{
		"quicksight:UpdateActionConnector",
		"quicksight:DeleteActionConnector",
		"quicksight:UpdateActionConnectorPermissions",
	}
	ViewerActions = []string{"quicksight:DescribeActionConnector"}
)

// invalid returns the KindInvalid error for the member at path breaking rule.
func invalid(path, rule string, args ...any) *Error {
	e := Errorf(KindInvalid, rule, args...)
	e.Message = path + ": " + e.Message
	return e
}

// checkLength checks that v has between lo and hi Unicode code points, as the
// model's length constraints count them.
func checkLength(path, v string, lo, hi int) error {
	if n := utf8.RuneCountInString(v); n < lo || n > hi {
		if lo == hi {
			return invalid(path, "must be exactly %d characters long.", lo)
		}
		return invalid(path, "must be between %d and %d characters long.", lo, hi)
	}
	return nil
}

// checkText refuses control characters (U+0000 to U+001F and U+007F to
// U+009F) in a free-text member: no member of the model needs them, and not
// every database can store U+0000.
func checkText(path, v string) error {
	for _, r := range v {
		if unicode.IsControl(r) {
			return invalid(path, "must not contain control characters.")
		}
	}
	return nil
}

func checkPattern(path, v string, re *regexp.Regexp, rule string) error {
	if !re.MatchString(v) {
		return invalid(path, "%s", rule)
	}
	return nil
}

// ValidateAccountID checks an AwsAccountId: exactly twelve digits.
func ValidateAccountID(v string) error {
	return checkPattern("AwsAccountId", v, accountIDPattern, "must be 12 digits.")
}

// ValidateConnectorID checks an ActionConnectorId: 1 to 512 letters, digits, '_'
// and '-'. Ids that start with "quicksuite-" are refused only on create, by
// validateNewConnectorID, so that reads of any id answer consistently.
func ValidateConnectorID(v string) error {
	if err := checkLength("ActionConnectorId", v, 1, 512); err != nil {
		return err
	}
	return checkPattern("ActionConnectorId", v, connectorIDPattern,
		"must contain only letters, digits, '_' and '-'.")
}

func validateNewConnectorID(v string) error {
	if err := ValidateConnectorID(v); err != nil {
		return err
	}
	if strings.HasPrefix(strings.ToLower(v), reservedIDPrefix) {
		return invalid("ActionConnectorId", "must not start with %q, which is reserved.", reservedIDPrefix)
	}
	return nil
}

func validateName(v string) error {
	if err := checkLength("Name", v, 1, 255); err != nil {
		return err
	}
	return checkPattern("Name", v, namePattern,
		"must start and end with a letter or digit and contain only letters, digits, '_', '-' and spaces.")
}

func validateDescription(v *string) error {
	if v == nil {
		return nil
	}
	if err := checkLength("Description", *v, 1, 2048); err != nil {
		return err
	}
	return checkPattern("Description", *v, descriptionPattern,
		"must contain only letters, digits, spaces and the characters _ . , ! ? -")
}

func validateVPCConnectionARN(v *string) error {
	if v == nil {
		return nil
	}
	if err := checkLength("VpcConnectionArn", *v, 1, 2048); err != nil {
		return err
	}
	return checkPattern("VpcConnectionArn", *v, vpcConnARNPattern, "must be a QuickSight VPC connection ARN.")
}

func validateConnectorType(v ConnectorType) error {
	if !slices.Contains(ConnectorTypes, v) {
		return invalid("Type", "must be one of the ActionConnectorType values.")
	}
	return nil
}

// validateEndpoint checks an Endpoint member: an https:// URL with a host, at most
// 8192 characters long.
func validateEndpoint(path, v string) error {
	if err := checkLength(path, v, 1, 8192); err != nil {
		return err
	}
	u, err := url.Parse(v)
	if err != nil || u.Scheme != "https" || !strings.HasPrefix(v, "https://") || u.Host == "" || u.User != nil ||
		strings.ContainsAny(v, "\r\n\t ") {
		return invalid(path, "must be an https:// URL with a host and no user information.")
	}
	return nil
}

func validateEnabledActions(ids []string) error {
	if len(ids) > MaxEnabledActions {
		return invalid("EnabledActions", "must have at most %d items.", MaxEnabledActions)
	}
	for _, id := range ids {
		if !actionIDPattern.MatchString(id) {
			return invalid("EnabledActions", "each action id must match [\\w@:_.,!?+-/]+.")
		}
	}
	return nil
}

func validateActionID(id string) error {
	if err := checkLength("ActionId", id, 1, 256); err != nil {
		return err
	}
	if !actionIDPattern.MatchString(id) {
		return invalid("ActionId", "must match [\\w@:_.,!?+-/]+.")
	}
	return nil
}

// authPath is the member path of the authentication configuration in requests.
const authPath = "AuthenticationConfig"

// validateAuth checks an authentication configuration: a known type, exactly one
// metadata member, the one that matches the type, and that member's rules.
func validateAuth(a AuthConfig) error {
	if !slices.Contains(AuthTypes, a.Type) {
		return invalid(authPath+".AuthenticationType", "must be one of the ConnectionAuthType values.")
	}
	set := 0
	for _, p := range []bool{a.APIKey != nil, a.Basic != nil, a.ClientCredentials != nil,
		a.AuthorizationCode != nil, a.IAM != nil, a.None != nil} {
		if p {
			set++
		}
	}
	if set != 1 {
		return invalid(authPath+".AuthenticationMetadata", "must set exactly one member, got %d.", set)
	}
	const meta = authPath + ".AuthenticationMetadata."
	mismatch := func(member string) error {
		return invalid(meta+member, "does not match AuthenticationType %s.", a.Type)
	}
	switch {
	case a.APIKey != nil:
		if a.Type != AuthAPIKey {
			return mismatch("ApiKeyConnectionMetadata")
		}
		m := a.APIKey
		p := meta + "ApiKeyConnectionMetadata."
		if err := validateEndpoint(p+"BaseEndpoint", m.BaseEndpoint); err != nil {
			return err
		}
		if m.Email != "" {
			if err := checkPattern(p+"Email", m.Email, emailPattern, "must be an email address."); err != nil {
				return err
			}
		}
		if m.APIKey.IsZero() {
			return invalid(p+"ApiKey", "must not be empty.")
		}
	case a.Basic != nil:
		if a.Type != AuthBasic {
			return mismatch("BasicAuthConnectionMetadata")
		}
		p := meta + "BasicAuthConnectionMetadata."
		if err := validateEndpoint(p+"BaseEndpoint", a.Basic.BaseEndpoint); err != nil {
			return err
		}
		if a.Basic.Username == "" {
			return invalid(p+"Username", "must not be empty.")
		}
		if strings.Contains(a.Basic.Username, ":") {
			return invalid(p+"Username", "must not contain ':', which HTTP Basic authentication reserves.")
		}
	case a.ClientCredentials != nil:
		if a.Type != AuthOAuth2ClientCredentials {
			return mismatch("ClientCredentialsGrantMetadata")
		}
		m := a.ClientCredentials
		p := meta + "ClientCredentialsGrantMetadata."
		if err := validateEndpoint(p+"BaseEndpoint", m.BaseEndpoint); err != nil {
			return err
		}
		if err := validateCredentialsSource(p+"ClientCredentialsSource", m.CredentialsSource); err != nil {
			return err
		}
		if m.Client != nil {
			if err := validateClient(p+"ClientCredentialsDetails.ClientCredentialsGrantDetails.", m.Client); err != nil {
				return err
			}
		}
	case a.AuthorizationCode != nil:
		if a.Type != AuthOAuth2AuthorizationCode {
			return mismatch("AuthorizationCodeGrantMetadata")
		}
		m := a.AuthorizationCode
		p := meta + "AuthorizationCodeGrantMetadata."
		if err := validateEndpoint(p+"BaseEndpoint", m.BaseEndpoint); err != nil {
			return err
		}
		if err := validateEndpoint(p+"RedirectUrl", m.RedirectURL); err != nil {
			return err
		}
		if err := validateCredentialsSource(p+"AuthorizationCodeGrantCredentialsSource", m.CredentialsSource); err != nil {
			return err
		}
		if m.Client != nil {
			d := p + "AuthorizationCodeGrantCredentialsDetails.AuthorizationCodeGrantDetails."
			if err := validateClient(d, m.Client); err != nil {
				return err
			}
			if err := validateEndpoint(d+"AuthorizationEndpoint", m.AuthorizationEndpoint); err != nil {
				return err
			}
		}
	case a.IAM != nil:
		if a.Type != AuthIAM {
			return mismatch("IamConnectionMetadata")
		}
		p := meta + "IamConnectionMetadata.RoleArn"
		if err := checkLength(p, a.IAM.RoleARN, 20, 2048); err != nil {
			return err
		}
		return checkPattern(p, a.IAM.RoleARN, roleARNPattern, "must be an IAM role ARN.")
	case a.None != nil:
		if a.Type != AuthNone {
			return mismatch("NoneConnectionMetadata")
		}
		return validateEndpoint(meta+"NoneConnectionMetadata.BaseEndpoint", a.None.BaseEndpoint)
	}
	return nil
}

func validateCredentialsSource(path string, v CredentialsSource) error {
	if v != "" && v != PlainCredentials {
		return invalid(path, "must be %s.", PlainCredentials)
	}
	return nil
}

func validateClient(path string, c *OAuthClient) error {
	if err := checkLength(path+"ClientId", c.ClientID, 0, 1024); err != nil {
		return err
	}
	if utf8.RuneCount(c.ClientSecret.Reveal()) > 2048 {
		return invalid(path+"ClientSecret", "must be between 0 and 2048 characters long.")
	}
	return validateEndpoint(path+"TokenEndpoint", c.TokenEndpoint)
}

// validatePermissions checks a permission list of a request (member path) for a
// connector in account and region.
func validatePermissions(path string, perms []Permission, region, account string) error {
	if len(perms) < 1 || len(perms) > MaxPermissions {
		return invalid(path, "must have between 1 and %d items.", MaxPermissions)
	}
	for _, p := range perms {
		if err := validatePrincipal(path+".Principal", p.Principal, region, account); err != nil {
			return err
		}
		if len(p.Actions) < 1 || len(p.Actions) > MaxPermissionActions {
			return invalid(path+".Actions", "must have between 1 and %d items.", MaxPermissionActions)
		}
		for _, a := range p.Actions {
			if !slices.Contains(PermissionActions, a) {
				return invalid(path+".Actions", "%q is not an action-connector action; use one of %s.",
					a, strings.Join(PermissionActions, ", "))
			}
		}
	}
	return nil
}

// validatePrincipal checks that v is the ARN of a QuickSight user or group in the
// connector's account and region. Namespaces and account roots cannot be granted
// access to action connectors.
func validatePrincipal(path, v, region, account string) error {
	if err := firstError(checkLength(path, v, 1, 256), checkText(path, v)); err != nil {
		return err
	}
	m := principalPattern.FindStringSubmatch(v)
	if m == nil {
		return invalid(path, "%q must be the ARN of a QuickSight user or group "+
			"(arn:aws:quicksight:<region>:<account>:user/<namespace>/<name> or .../group/...); "+
			"namespaces and account roots cannot be granted access to action connectors.", v)
	}
	if m[1] != region || m[2] != account {
		return invalid(path, "%q must be in the connector's account %s and region %s.", v, account, region)
	}
	return nil
}

// validateTags checks a tag list of a request: 1 to 200 tags, unique keys of 1 to
// 128 characters, values of 1 to 256.
func validateTags(tags []Tag) error {
	if len(tags) < 1 || len(tags) > MaxTags {
		return invalid("Tags", "must have between 1 and %d items.", MaxTags)
	}
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		if err := checkLength("Tags.Key", t.Key, 1, 128); err != nil {
			return err
		}
		if err := checkLength("Tags.Value", t.Value, 1, 256); err != nil {
			return err
		}
		if err := firstError(checkText("Tags.Key", t.Key), checkText("Tags.Value", t.Value)); err != nil {
			return err
		}
		if seen[t.Key] {
			return invalid("Tags", "key %q appears more than once.", t.Key)
		}
		seen[t.Key] = true
	}
	return nil
}

func validateTagKeys(keys []string) error {
	if len(keys) < 1 || len(keys) > MaxTags {
		return invalid("TagKeys", "must have between 1 and %d items.", MaxTags)
	}
	for _, k := range keys {
		if err := firstError(checkLength("TagKeys", k, 1, 128), checkText("TagKeys", k)); err != nil {
			return err
		}
	}
	return nil
}
