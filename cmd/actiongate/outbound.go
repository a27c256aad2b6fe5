package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/netip"
	"strings"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/actiongate/actiongate"
	"github.com/actiongate/actiongate/runtime"
	"github.com/actiongate/actiongate/runtime/egress"
)

// outbound holds the flags of the calls the server makes to connectors'
// services: the egress policy and the verification of new connectors.
type outbound struct {
	allow  prefixList
	verify bool
}

func (o *outbound) register(fs *flag.FlagSet) {
	fs.Var(&o.allow, "egress-allow", "comma-separated CIDR prefixes that outbound calls may reach although they are private, loopback or otherwise refused (e.g. 10.1.0.0/16)")
	fs.BoolVar(&o.verify, "verify-connections", true, "verify new and updated connectors against their service (token fetch, role assumption); false for offline use")
}

// runtime returns the action runtime: outbound calls through the egress
// guard, tokens kept in st sealed by sealer, and roles assumed with the
// server's own AWS credentials (the SDK's default chain).
func (o *outbound) runtime(ctx context.Context, st actiongate.Store, sealer actiongate.Sealer, region string, log *slog.Logger) (*runtime.Runtime, error) {
	aws, err := config.LoadDefaultConfig(ctx, config.WithRegion(region))
	if err != nil {
		return nil, fmt.Errorf("AWS configuration: %w", err)
	}
	guard := egress.New(egress.Config{Allow: o.allow})
	return runtime.New(runtime.Config{Store: st, Sealer: sealer, Client: guard.Client(), AWS: aws, Logger: log}), nil
}

// prefixList is a flag.Value of comma-separated CIDR prefixes.
type prefixList []netip.Prefix

func (l *prefixList) String() string {
	parts := make([]string, len(*l))
	for i, p := range *l {
		parts[i] = p.String()
	}
	return strings.Join(parts, ",")
}

func (l *prefixList) Set(v string) error {
	*l = nil
	for part := range strings.SplitSeq(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		p, err := netip.ParsePrefix(part)
		if err != nil {
			return fmt.Errorf("%q is not a CIDR prefix such as 10.1.0.0/16", part)
		}
		*l = append(*l, p.Masked())
	}
	return nil
}
