package actiongate

import "context"

// PutSpecInput is the input of PutActionConnectorOpenApi: an OpenAPI 3
// document, given inline or as an https URL to download it from.
type PutSpecInput struct {
	AccountID   string
	ConnectorID string
	Document    []byte // the document; nil when URL is set
	URL         string
}

// PutActionConnectorOpenAPI attaches an OpenAPI document to a GENERIC_HTTP
// connector, replacing any other; its operations become the connector's
// actions beside HttpRequest. It needs quicksight:UpdateActionConnector and
// returns the actions the document defines, each with whether it is
// enabled. Errors: KindInvalid (not GENERIC_HTTP, a document that breaks a
// rule), KindNotFound, KindDenied, KindUpstream (the download failed).
func (s *Service) PutActionConnectorOpenAPI(ctx context.Context, caller *Identity, in PutSpecInput) (*Connector, []ConnectorAction, error) {
	if err := s.checkConnectorRef(caller, "UpdateActionConnector", in.AccountID, in.ConnectorID); err != nil {
		return nil, nil, err
	}
	if (in.Document == nil) == (in.URL == "") {
		return nil, nil, Errorf(KindInvalid, "Give either Document or Url.")
	}
	c, err := s.store.ConnectorGet(ctx, in.AccountID, in.ConnectorID)
	if err != nil {
		return nil, nil, s.storeError(err, in.ConnectorID)
	}
	if c.Type != TypeGenericHTTP {
		return nil, nil, Errorf(KindInvalid, "Action connector %s is of type %s; only GENERIC_HTTP connectors take an OpenAPI document.", c.ID, c.Type)
	}
	doc := in.Document
	if in.URL != "" {
		if doc, err = s.runtime.FetchSpec(ctx, in.URL); err != nil {
			return nil, nil, err
		}
	}
	actions, err := s.runtime.ParseSpec(doc)
	if err != nil {
		return nil, nil, err
	}
	err = s.retryConflicts(ctx, func() error {
		c, err = s.store.ConnectorGet(ctx, in.AccountID, in.ConnectorID)
		if err != nil {
			return err
		}
		return s.store.SpecPut(ctx, in.AccountID, in.ConnectorID, c.Version, doc)
	})
	if err != nil {
		return nil, nil, s.storeError(err, in.ConnectorID)
	}
	c.ARN = ConnectorARN(s.region, c.AccountID, c.ID)
	s.log.InfoContext(ctx, "OpenAPI document attached", "account_id", c.AccountID, "connector_id", c.ID, "actions", len(actions))
	out := make([]ConnectorAction, len(actions))
	for i, a := range actions {
		out[i] = ConnectorAction{Action: a, Enabled: enabled(c, a.ID)}
	}
	return c, out, nil
}

// GetActionConnectorOpenAPI returns the OpenAPI document of a connector. It
// needs quicksight:DescribeActionConnector. KindNotFound when the connector
// does not exist or has no document.
func (s *Service) GetActionConnectorOpenAPI(ctx context.Context, caller *Identity, account, id string) (*Connector, []byte, error) {
	if err := s.checkConnectorRef(caller, "DescribeActionConnector", account, id); err != nil {
		return nil, nil, err
	}
	c, err := s.store.ConnectorGet(ctx, account, id)
	if err != nil {
		return nil, nil, s.storeError(err, id)
	}
	doc, err := s.store.SpecGet(ctx, account, id)
	if err != nil {
		return nil, nil, s.storeError(err, id)
	}
	if doc == nil {
		return nil, nil, Errorf(KindNotFound, "Action connector %s has no OpenAPI document.", id)
	}
	c.ARN = ConnectorARN(s.region, c.AccountID, c.ID)
	return c, doc, nil
}
