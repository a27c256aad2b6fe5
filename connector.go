package actiongate

import "time"

// ConnectorType is the kind of outside service a connector reaches, one of the
// QuickSight ActionConnectorType values.
type ConnectorType string

// The connector types of the QuickSight ActionConnectorType enum.
const (
	TypeGenericHTTP                        ConnectorType = "GENERIC_HTTP"
	TypeServiceNowNowPlatform              ConnectorType = "SERVICENOW_NOW_PLATFORM"
	TypeSalesforceCRM                      ConnectorType = "SALESFORCE_CRM"
	TypeMicrosoftOutlook                   ConnectorType = "MICROSOFT_OUTLOOK"
	TypePagerDutyAdvance                   ConnectorType = "PAGERDUTY_ADVANCE"
	TypeJiraCloud                          ConnectorType = "JIRA_CLOUD"
	TypeAtlassianConfluence                ConnectorType = "ATLASSIAN_CONFLUENCE"
	TypeAmazonS3                           ConnectorType = "AMAZON_S3"
	TypeAmazonBedrockAgentRuntime          ConnectorType = "AMAZON_BEDROCK_AGENT_RUNTIME"
	TypeAmazonBedrockRuntime               ConnectorType = "AMAZON_BEDROCK_RUNTIME"
	TypeAmazonBedrockDataAutomationRuntime ConnectorType = "AMAZON_BEDROCK_DATA_AUTOMATION_RUNTIME"
	TypeAmazonTextract                     ConnectorType = "AMAZON_TEXTRACT"
	TypeAmazonComprehend                   ConnectorType = "AMAZON_COMPREHEND"
	TypeAmazonComprehendMedical            ConnectorType = "AMAZON_COMPREHEND_MEDICAL"
	TypeMicrosoftOneDrive                  ConnectorType = "MICROSOFT_ONEDRIVE"
	TypeMicrosoftSharePoint                ConnectorType = "MICROSOFT_SHAREPOINT"
	TypeMicrosoftTeams                     ConnectorType = "MICROSOFT_TEAMS"
	TypeSAPBusinessPartner                 ConnectorType = "SAP_BUSINESSPARTNER"
	TypeSAPProductMasterData               ConnectorType = "SAP_PRODUCTMASTERDATA"
	TypeSAPPhysicalInventory               ConnectorType = "SAP_PHYSICALINVENTORY"
	TypeSAPBillOfMaterials                 ConnectorType = "SAP_BILLOFMATERIALS"
	TypeSAPMaterialStock                   ConnectorType = "SAP_MATERIALSTOCK"
	TypeZendeskSuite                       ConnectorType = "ZENDESK_SUITE"
	TypeSmartsheet                         ConnectorType = "SMARTSHEET"
	TypeSlack                              ConnectorType = "SLACK"
	TypeAsana                              ConnectorType = "ASANA"
	TypeBambooHR                           ConnectorType = "BAMBOO_HR"
)

// ConnectorTypes lists every ConnectorType in the order of the QuickSight model.
var ConnectorTypes = []ConnectorType{
	TypeGenericHTTP, TypeServiceNowNowPlatform, TypeSalesforceCRM, TypeMicrosoftOutlook,
	TypePagerDutyAdvance, TypeJiraCloud, TypeAtlassianConfluence, TypeAmazonS3,
	TypeAmazonBedrockAgentRuntime, TypeAmazonBedrockRuntime, TypeAmazonBedrockDataAutomationRuntime,
	TypeAmazonTextract, TypeAmazonComprehend, TypeAmazonComprehendMedical, TypeMicrosoftOneDrive,
	TypeMicrosoftSharePoint, TypeMicrosoftTeams, TypeSAPBusinessPartner, TypeSAPProductMasterData,
	TypeSAPPhysicalInventory, TypeSAPBillOfMaterials, TypeSAPMaterialStock, TypeZendeskSuite,
	TypeSmartsheet, TypeSlack, TypeAsana, TypeBambooHR,
}

// AuthType is how a connector authenticates to its service, one of the QuickSight
// ConnectionAuthType values.
type AuthType string

// The authentication types of the QuickSight ConnectionAuthType enum.
const (
	AuthBasic                   AuthType = "BASIC"
	AuthAPIKey                  AuthType = "API_KEY"
	AuthOAuth2ClientCredentials AuthType = "OAUTH2_CLIENT_CREDENTIALS"
	AuthNone                    AuthType = "NONE"
	AuthIAM                     AuthType = "IAM"
	AuthOAuth2AuthorizationCode AuthType = "OAUTH2_AUTHORIZATION_CODE"
)

// AuthTypes lists every AuthType in the order of the QuickSight model.
var AuthTypes = []AuthType{
	AuthBasic, AuthAPIKey, AuthOAuth2ClientCredentials, AuthNone, AuthIAM, AuthOAuth2AuthorizationCode,
}

// CredentialsSource says where OAuth client credentials come from. The model knows
// one source, PLAIN_CREDENTIALS: the client id and secret given in the request.
type CredentialsSource string

// PlainCredentials is the only CredentialsSource of the QuickSight model.
const PlainCredentials CredentialsSource = "PLAIN_CREDENTIALS"

// Status is a connector's lifecycle state, one of the QuickSight ResourceStatus values.
type Status string

// The lifecycle states of the QuickSight ResourceStatus enum.
const (
	StatusCreationInProgress Status = "CREATION_IN_PROGRESS"
	StatusCreationSuccessful Status = "CREATION_SUCCESSFUL"
	StatusCreationFailed     Status = "CREATION_FAILED"
	StatusUpdateInProgress   Status = "UPDATE_IN_PROGRESS"
	StatusUpdateSuccessful   Status = "UPDATE_SUCCESSFUL"
	StatusUpdateFailed       Status = "UPDATE_FAILED"
	StatusDeleted            Status = "DELETED"
)

// Connector is an action connector: a stored connection to an outside service.
// Secret members of its Auth are held only while a request is being served; what
// the Store keeps of them is sealed (see SealedSecret).
type Connector struct {
	AccountID        string
	ID               string
	ARN              string
	Type             ConnectorType
	Name             string
	Description      string
	VPCConnectionARN string
	Auth             AuthConfig
	// EnabledActions lists the action ids that may be invoked; nil means every
	// action of the connector's type.
	EnabledActions  []string
	Status          Status
	Error           *ConnectorError
	CreatedTime     time.Time
	LastUpdatedTime time.Time
	// Version counts the connector's changes. Writes are conditional on it, so
	// that of two racing writers one wins and the other gets KindConflict.
	Version int64
}

// ConnectorError says why a connector's verification failed.
type ConnectorError struct {
	Type    string // INTERNAL_FAILURE, the model's only ActionConnectorErrorType
	Message string
}

// AuthConfig is a connector's authentication configuration: the type and exactly
// one metadata member, the one that matches the type.
type AuthConfig struct {
	Type              AuthType
	APIKey            *APIKeyAuth
	Basic             *BasicAuth
	ClientCredentials *ClientCredentialsAuth
	AuthorizationCode *AuthorizationCodeAuth
	IAM               *IAMAuth
	None              *NoneAuth
}

// APIKeyAuth is the metadata of an API_KEY connector.
type APIKeyAuth struct {
	BaseEndpoint string
	APIKey       Secret
	Email        string // optional; sensitive, never logged
}

// BasicAuth is the metadata of a BASIC connector.
type BasicAuth struct {
	BaseEndpoint string
	Username     string // sensitive, never logged
	Password     Secret
}

// ClientCredentialsAuth is the metadata of an OAUTH2_CLIENT_CREDENTIALS connector.
type ClientCredentialsAuth struct {
	BaseEndpoint      string
	CredentialsSource CredentialsSource // optional
	Client            *OAuthClient      // optional
}

// AuthorizationCodeAuth is the metadata of an OAUTH2_AUTHORIZATION_CODE connector.
type AuthorizationCodeAuth struct {
	BaseEndpoint          string
	RedirectURL           string
	CredentialsSource     CredentialsSource // optional
	Client                *OAuthClient      // optional
	AuthorizationEndpoint string            // set when Client is set
}

// OAuthClient is an OAuth 2.0 client registration: its id, secret and token endpoint.
type OAuthClient struct {
	ClientID      string
	ClientSecret  Secret
	TokenEndpoint string
}

// IAMAuth is the metadata of an IAM connector: the role the service assumes.
type IAMAuth struct {
	RoleARN string
}

// NoneAuth is the metadata of a NONE connector.
type NoneAuth struct {
	BaseEndpoint string
}

// BaseEndpoint reports the connector's base URL, or "" for IAM connectors, which
// call AWS service endpoints.
func (a AuthConfig) BaseEndpoint() string {
	switch {
	case a.APIKey != nil:
		return a.APIKey.BaseEndpoint
	case a.Basic != nil:
		return a.Basic.BaseEndpoint
	case a.ClientCredentials != nil:
		return a.ClientCredentials.BaseEndpoint
	case a.AuthorizationCode != nil:
		return a.AuthorizationCode.BaseEndpoint
	case a.None != nil:
		return a.None.BaseEndpoint
	}
	return ""
}

// Permission is a grant of actions on a connector to one QuickSight user or group.
type Permission struct {
	Principal string
	Actions   []string
}

// Tag is a key and value attached to a resource.
type Tag struct {
	Key   string
	Value string
}

// ConnectorARN returns the ARN of connector id in account and region:
// arn:aws:quicksight:<region>:<account>:action-connector/<id>.
func ConnectorARN(region, account, id string) string {
	return "arn:aws:quicksight:" + region + ":" + account + ":action-connector/" + id
}
