package restjson

import (
	"strconv"
	"time"

	"github.com/actiongate/actiongate"
)

// Wire shapes of the QuickSight model (shared/spec). Request members are
// pointers so that an absent member can be told from an empty one; field names
// are the model's member names, matched exactly.

type createRequest struct {
	ActionConnectorId    *string               `json:"ActionConnectorId"`
	Name                 *string               `json:"Name"`
	Type                 *string               `json:"Type"`
	Description          *string               `json:"Description"`
	VpcConnectionArn     *string               `json:"VpcConnectionArn"`
	AuthenticationConfig *authConfig           `json:"AuthenticationConfig"`
	Permissions          *[]resourcePermission `json:"Permissions"`
	Tags                 *[]tag                `json:"Tags"`
	EnabledActions       *[]string             `json:"EnabledActions"` // extension: DESIGN.md
}

type updateRequest struct {
	Name                 *string     `json:"Name"`
	Description          *string     `json:"Description"`
	VpcConnectionArn     *string     `json:"VpcConnectionArn"`
	AuthenticationConfig *authConfig `json:"AuthenticationConfig"`
	EnabledActions       *[]string   `json:"EnabledActions"`
}

type authConfig struct {
	AuthenticationType     *string       `json:"AuthenticationType"`
	AuthenticationMetadata *authMetadata `json:"AuthenticationMetadata"`
}

// authMetadata is the AuthenticationMetadata union.
type authMetadata struct {
	ApiKeyConnectionMetadata       *apiKeyMetadata      `json:"ApiKeyConnectionMetadata"`
	AuthorizationCodeGrantMetadata *authCodeMetadata    `json:"AuthorizationCodeGrantMetadata"`
	BasicAuthConnectionMetadata    *basicMetadata       `json:"BasicAuthConnectionMetadata"`
	ClientCredentialsGrantMetadata *clientCredsMetadata `json:"ClientCredentialsGrantMetadata"`
	IamConnectionMetadata          *iamMetadata         `json:"IamConnectionMetadata"`
	NoneConnectionMetadata         *noneMetadata        `json:"NoneConnectionMetadata"`
}

type apiKeyMetadata struct {
	ApiKey       *actiongate.Secret `json:"ApiKey"`
	BaseEndpoint *string            `json:"BaseEndpoint"`
	Email        *string            `json:"Email"`
}

type basicMetadata struct {
	BaseEndpoint *string            `json:"BaseEndpoint"`
	Username     *string            `json:"Username"`
	Password     *actiongate.Secret `json:"Password"`
}

type clientCredsMetadata struct {
	BaseEndpoint             *string             `json:"BaseEndpoint"`
	ClientCredentialsSource  *string             `json:"ClientCredentialsSource"`
	ClientCredentialsDetails *clientCredsDetails `json:"ClientCredentialsDetails"`
}

// clientCredsDetails is the ClientCredentialsDetails union.
type clientCredsDetails struct {
	ClientCredentialsGrantDetails *grantDetails `json:"ClientCredentialsGrantDetails"`
}

type authCodeMetadata struct {
	BaseEndpoint                             *string          `json:"BaseEndpoint"`
	RedirectUrl                              *string          `json:"RedirectUrl"`
	AuthorizationCodeGrantCredentialsSource  *string          `json:"AuthorizationCodeGrantCredentialsSource"`
	AuthorizationCodeGrantCredentialsDetails *authCodeDetails `json:"AuthorizationCodeGrantCredentialsDetails"`
}

// authCodeDetails is the AuthorizationCodeGrantCredentialsDetails union.
type authCodeDetails struct {
	AuthorizationCodeGrantDetails *grantDetails `json:"AuthorizationCodeGrantDetails"`
}

// grantDetails holds the members of ClientCredentialsGrantDetails and of
// AuthorizationCodeGrantDetails, which adds AuthorizationEndpoint.
type grantDetails struct {
	ClientId              *string            `json:"ClientId"`
	ClientSecret          *actiongate.Secret `json:"ClientSecret"`
	TokenEndpoint         *string            `json:"TokenEndpoint"`
	AuthorizationEndpoint *string            `json:"AuthorizationEndpoint"`
}

type iamMetadata struct {
	RoleArn *string `json:"RoleArn"`
}

type noneMetadata struct {
	BaseEndpoint *string `json:"BaseEndpoint"`
}

type resourcePermission struct {
	Principal *string   `json:"Principal"`
	Actions   *[]string `json:"Actions"`
}

type tag struct {
	Key   *string `json:"Key"`
	Value *string `json:"Value"`
}

type updatePermissionsRequest struct {
	GrantPermissions  *[]resourcePermission `json:"GrantPermissions"`
	RevokePermissions *[]resourcePermission `json:"RevokePermissions"`
}

type searchRequest struct {
	Filters *[]searchFilter `json:"Filters"`
}

type searchFilter struct {
	Name     *string `json:"Name"`
	Operator *string `json:"Operator"`
	Value    *string `json:"Value"`
}

type tagRequest struct {
	Tags *[]tag `json:"Tags"`
}

// binder converts wire values to domain values, remembering the first required
// member it found missing.
type binder struct {
	err error
}

func (b *binder) missing(path string) {
	if b.err == nil {
		b.err = &wireError{Code: "InvalidParameterValueException", Status: 400,
			Message: path + ": is required."}
	}
}

// str returns *p, noting path as missing when p is nil.
func (b *binder) str(path string, p *string) string {
	if p == nil {
		b.missing(path)
		return ""
	}
	return *p
}

func (b *binder) secret(path string, p *actiongate.Secret) actiongate.Secret {
	if p == nil {
		b.missing(path)
		return actiongate.Secret{}
	}
	return *p
}

func (b *binder) auth(path string, w *authConfig) actiongate.AuthConfig {
	if w == nil {
		b.missing(path)
		return actiongate.AuthConfig{}
	}
	a := actiongate.AuthConfig{Type: actiongate.AuthType(b.str(path+".AuthenticationType", w.AuthenticationType))}
	m := w.AuthenticationMetadata
	if m == nil {
		b.missing(path + ".AuthenticationMetadata")
		return a
	}
	p := path + ".AuthenticationMetadata."
	if k := m.ApiKeyConnectionMetadata; k != nil {
		q := p + "ApiKeyConnectionMetadata."
		a.APIKey = &actiongate.APIKeyAuth{
			BaseEndpoint: b.str(q+"BaseEndpoint", k.BaseEndpoint),
			APIKey:       b.secret(q+"ApiKey", k.ApiKey),
			Email:        deref(k.Email),
		}
	}
	if k := m.BasicAuthConnectionMetadata; k != nil {
		q := p + "BasicAuthConnectionMetadata."
		a.Basic = &actiongate.BasicAuth{
			BaseEndpoint: b.str(q+"BaseEndpoint", k.BaseEndpoint),
			Username:     b.str(q+"Username", k.Username),
			Password:     b.secret(q+"Password", k.Password),
		}
	}
	if k := m.ClientCredentialsGrantMetadata; k != nil {
		q := p + "ClientCredentialsGrantMetadata."
		a.ClientCredentials = &actiongate.ClientCredentialsAuth{
			BaseEndpoint:      b.str(q+"BaseEndpoint", k.BaseEndpoint),
			CredentialsSource: actiongate.CredentialsSource(deref(k.ClientCredentialsSource)),
		}
		if d := k.ClientCredentialsDetails; d != nil {
			q += "ClientCredentialsDetails."
			if d.ClientCredentialsGrantDetails == nil {
				b.missing(q + "ClientCredentialsGrantDetails")
			} else {
				a.ClientCredentials.Client = b.client(q+"ClientCredentialsGrantDetails.", d.ClientCredentialsGrantDetails)
			}
		}
	}
	if k := m.AuthorizationCodeGrantMetadata; k != nil {
		q := p + "AuthorizationCodeGrantMetadata."
		a.AuthorizationCode = &actiongate.AuthorizationCodeAuth{
			BaseEndpoint:      b.str(q+"BaseEndpoint", k.BaseEndpoint),
			RedirectURL:       b.str(q+"RedirectUrl", k.RedirectUrl),
			CredentialsSource: actiongate.CredentialsSource(deref(k.AuthorizationCodeGrantCredentialsSource)),
		}
		if d := k.AuthorizationCodeGrantCredentialsDetails; d != nil {
			q += "AuthorizationCodeGrantCredentialsDetails."
			if g := d.AuthorizationCodeGrantDetails; g == nil {
				b.missing(q + "AuthorizationCodeGrantDetails")
			} else {
				q += "AuthorizationCodeGrantDetails."
				a.AuthorizationCode.Client = b.client(q, g)
				a.AuthorizationCode.AuthorizationEndpoint = b.str(q+"AuthorizationEndpoint", g.AuthorizationEndpoint)
			}
		}
	}
	if k := m.IamConnectionMetadata; k != nil {
		a.IAM = &actiongate.IAMAuth{RoleARN: b.str(p+"IamConnectionMetadata.RoleArn", k.RoleArn)}
	}
	if k := m.NoneConnectionMetadata; k != nil {
		a.None = &actiongate.NoneAuth{BaseEndpoint: b.str(p+"NoneConnectionMetadata.BaseEndpoint", k.BaseEndpoint)}
	}
	return a
}

func (b *binder) client(path string, g *grantDetails) *actiongate.OAuthClient {
	return &actiongate.OAuthClient{
		ClientID:      b.str(path+"ClientId", g.ClientId),
		ClientSecret:  b.secret(path+"ClientSecret", g.ClientSecret),
		TokenEndpoint: b.str(path+"TokenEndpoint", g.TokenEndpoint),
	}
}

// permissions converts an optional permission list; nil when absent.
func (b *binder) permissions(path string, w *[]resourcePermission) []actiongate.Permission {
	if w == nil {
		return nil
	}
	out := make([]actiongate.Permission, 0, len(*w))
	for _, p := range *w {
		perm := actiongate.Permission{Principal: b.str(path+".Principal", p.Principal)}
		if p.Actions == nil {
			b.missing(path + ".Actions")
		} else {
			perm.Actions = *p.Actions
		}
		out = append(out, perm)
	}
	return out
}

// tags converts an optional tag list; nil when absent.
func (b *binder) tags(w *[]tag) []actiongate.Tag {
	if w == nil {
		return nil
	}
	out := make([]actiongate.Tag, 0, len(*w))
	for _, t := range *w {
		out = append(out, actiongate.Tag{Key: b.str("Tags.Key", t.Key), Value: b.str("Tags.Value", t.Value)})
	}
	return out
}

func optionalList(w *[]string) []string {
	if w == nil {
		return nil
	}
	if *w == nil {
		return []string{}
	}
	return *w
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// Response shapes: the model's read model, which carries no secret members.

// epochSeconds is a timestamp on the wire: seconds since the Unix epoch, with
// millisecond precision.
type epochSeconds time.Time

func (t epochSeconds) MarshalJSON() ([]byte, error) {
	return strconv.AppendFloat(nil, float64(time.Time(t).UnixMilli())/1000, 'f', -1, 64), nil
}

type connectorOut struct {
	ActionConnectorId    string          `json:"ActionConnectorId"`
	Arn                  string          `json:"Arn"`
	AuthenticationConfig readAuthConfig  `json:"AuthenticationConfig"`
	CreatedTime          epochSeconds    `json:"CreatedTime"`
	Description          string          `json:"Description,omitempty"`
	EnabledActions       []string        `json:"EnabledActions"`
	Error                *connectorError `json:"Error,omitempty"`
	LastUpdatedTime      epochSeconds    `json:"LastUpdatedTime"`
	Name                 string          `json:"Name"`
	Status               string          `json:"Status"`
	Type                 string          `json:"Type"`
	VpcConnectionArn     string          `json:"VpcConnectionArn,omitempty"`
}

type summaryOut struct {
	ActionConnectorId string          `json:"ActionConnectorId"`
	Arn               string          `json:"Arn"`
	CreatedTime       epochSeconds    `json:"CreatedTime"`
	Error             *connectorError `json:"Error,omitempty"`
	LastUpdatedTime   epochSeconds    `json:"LastUpdatedTime"`
	Name              string          `json:"Name"`
	Status            string          `json:"Status"`
	Type              string          `json:"Type"`
}

type connectorError struct {
	Message string `json:"Message,omitempty"`
	Type    string `json:"Type,omitempty"`
}

type readAuthConfig struct {
	AuthenticationType     string           `json:"AuthenticationType"`
	AuthenticationMetadata readAuthMetadata `json:"AuthenticationMetadata"`
}

type readAuthMetadata struct {
	ApiKeyConnectionMetadata       *readAPIKey      `json:"ApiKeyConnectionMetadata,omitempty"`
	AuthorizationCodeGrantMetadata *readAuthCode    `json:"AuthorizationCodeGrantMetadata,omitempty"`
	BasicAuthConnectionMetadata    *readBasic       `json:"BasicAuthConnectionMetadata,omitempty"`
	ClientCredentialsGrantMetadata *readClientCreds `json:"ClientCredentialsGrantMetadata,omitempty"`
	IamConnectionMetadata          *readIAM         `json:"IamConnectionMetadata,omitempty"`
	NoneConnectionMetadata         *readNone        `json:"NoneConnectionMetadata,omitempty"`
}

type readAPIKey struct {
	BaseEndpoint string `json:"BaseEndpoint"`
	Email        string `json:"Email,omitempty"`
}

type readBasic struct {
	BaseEndpoint string `json:"BaseEndpoint"`
	Username     string `json:"Username"`
}

type readClientCreds struct {
	BaseEndpoint                 string                  `json:"BaseEndpoint"`
	ClientCredentialsSource      string                  `json:"ClientCredentialsSource,omitempty"`
	ReadClientCredentialsDetails *readClientCredsDetails `json:"ReadClientCredentialsDetails,omitempty"`
}

type readClientCredsDetails struct {
	ReadClientCredentialsGrantDetails readGrantDetails `json:"ReadClientCredentialsGrantDetails"`
}

type readAuthCode struct {
	BaseEndpoint                                 string               `json:"BaseEndpoint"`
	RedirectUrl                                  string               `json:"RedirectUrl"`
	AuthorizationCodeGrantCredentialsSource      string               `json:"AuthorizationCodeGrantCredentialsSource,omitempty"`
	ReadAuthorizationCodeGrantCredentialsDetails *readAuthCodeDetails `json:"ReadAuthorizationCodeGrantCredentialsDetails,omitempty"`
}

type readAuthCodeDetails struct {
	ReadAuthorizationCodeGrantDetails readGrantDetails `json:"ReadAuthorizationCodeGrantDetails"`
}

type readGrantDetails struct {
	ClientId              string `json:"ClientId"`
	TokenEndpoint         string `json:"TokenEndpoint"`
	AuthorizationEndpoint string `json:"AuthorizationEndpoint,omitempty"`
}

type readIAM struct {
	RoleArn   string `json:"RoleArn"`
	SourceArn string `json:"SourceArn"`
}

type readNone struct {
	BaseEndpoint string `json:"BaseEndpoint"`
}

type permissionOut struct {
	Principal string   `json:"Principal"`
	Actions   []string `json:"Actions"`
}

type tagOut struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

func connectorToWire(c *actiongate.Connector) connectorOut {
	out := connectorOut{
		ActionConnectorId:    c.ID,
		Arn:                  c.ARN,
		AuthenticationConfig: readAuth(c),
		CreatedTime:          epochSeconds(c.CreatedTime),
		Description:          c.Description,
		EnabledActions:       c.EnabledActions,
		Error:                errorToWire(c.Error),
		LastUpdatedTime:      epochSeconds(c.LastUpdatedTime),
		Name:                 c.Name,
		Status:               string(c.Status),
		Type:                 string(c.Type),
		VpcConnectionArn:     c.VPCConnectionARN,
	}
	if out.EnabledActions == nil {
		out.EnabledActions = []string{}
	}
	return out
}

func summaryToWire(c *actiongate.Connector) summaryOut {
	return summaryOut{
		ActionConnectorId: c.ID,
		Arn:               c.ARN,
		CreatedTime:       epochSeconds(c.CreatedTime),
		Error:             errorToWire(c.Error),
		LastUpdatedTime:   epochSeconds(c.LastUpdatedTime),
		Name:              c.Name,
		Status:            string(c.Status),
		Type:              string(c.Type),
	}
}

func errorToWire(e *actiongate.ConnectorError) *connectorError {
	if e == nil {
		return nil
	}
	return &connectorError{Message: e.Message, Type: e.Type}
}

// readAuth returns the read model of c's authentication configuration: every
// member but the secrets, and for IAM the connector's ARN as SourceArn.
func readAuth(c *actiongate.Connector) readAuthConfig {
	a := c.Auth
	out := readAuthConfig{AuthenticationType: string(a.Type)}
	m := &out.AuthenticationMetadata
	switch {
	case a.APIKey != nil:
		m.ApiKeyConnectionMetadata = &readAPIKey{BaseEndpoint: a.APIKey.BaseEndpoint, Email: a.APIKey.Email}
	case a.Basic != nil:
		m.BasicAuthConnectionMetadata = &readBasic{BaseEndpoint: a.Basic.BaseEndpoint, Username: a.Basic.Username}
	case a.ClientCredentials != nil:
		cc := a.ClientCredentials
		m.ClientCredentialsGrantMetadata = &readClientCreds{BaseEndpoint: cc.BaseEndpoint, ClientCredentialsSource: string(cc.CredentialsSource)}
		if cc.Client != nil {
			m.ClientCredentialsGrantMetadata.ReadClientCredentialsDetails = &readClientCredsDetails{
				ReadClientCredentialsGrantDetails: readGrantDetails{ClientId: cc.Client.ClientID, TokenEndpoint: cc.Client.TokenEndpoint},
			}
		}
	case a.AuthorizationCode != nil:
		ac := a.AuthorizationCode
		m.AuthorizationCodeGrantMetadata = &readAuthCode{BaseEndpoint: ac.BaseEndpoint, RedirectUrl: ac.RedirectURL,
			AuthorizationCodeGrantCredentialsSource: string(ac.CredentialsSource)}
		if ac.Client != nil {
			m.AuthorizationCodeGrantMetadata.ReadAuthorizationCodeGrantCredentialsDetails = &readAuthCodeDetails{
				ReadAuthorizationCodeGrantDetails: readGrantDetails{ClientId: ac.Client.ClientID,
					TokenEndpoint: ac.Client.TokenEndpoint, AuthorizationEndpoint: ac.AuthorizationEndpoint},
			}
		}
	case a.IAM != nil:
		m.IamConnectionMetadata = &readIAM{RoleArn: a.IAM.RoleARN, SourceArn: c.ARN}
	case a.None != nil:
		m.NoneConnectionMetadata = &readNone{BaseEndpoint: a.None.BaseEndpoint}
	}
	return out
}

func permissionsToWire(ps []actiongate.Permission) []permissionOut {
	out := make([]permissionOut, 0, len(ps))
	for _, p := range ps {
		out = append(out, permissionOut{Principal: p.Principal, Actions: p.Actions})
	}
	return out
}
