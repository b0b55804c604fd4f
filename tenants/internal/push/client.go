// Package push delivers the sub-portal's approved changes to the hub: a
// relay over the store's outbox that calls IngestService, retries while the
// hub is unavailable, parks refusals with the hub's reasons, and resyncs
// with the hub at start-up.
package push

import (
	"context"
	"fmt"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
)

// DialConfig says how to reach the hub.
type DialConfig struct {
	// Addr is the aggregator's gRPC address, host:port.
	Addr string
	// CAFile is the PEM file of the CA that signed the hub's certificate.
	CAFile string
	// Credential is the tenant's credential, read from its file (and again
	// when the file changes or on its Reload).
	Credential *CredentialFile
	// TokenFile holds the tenant's credential, when Credential is nil.
	TokenFile string
	// Token is the credential itself, when not read from TokenFile.
	Token string
	// Tenant is sent as x-portalhub-tenant with every call; the hub checks
	// it against the credential.
	Tenant string
	// Insecure dials without TLS: for tests and development only.
	Insecure bool
}

// Dial returns a client connection to the hub that sends the credential and
// the tenant with every call. Without Insecure, it requires TLS.
func Dial(cfg DialConfig) (*grpc.ClientConn, error) {
	creds := tenantCreds{token: cfg.Token, file: cfg.Credential, tenant: cfg.Tenant, secure: !cfg.Insecure}
	if creds.token == "" && creds.file == nil && cfg.TokenFile != "" {
		f, err := OpenCredentialFile(cfg.TokenFile, nil)
		if err != nil {
			return nil, err
		}
		creds.file = f
	}
	if creds.token == "" && creds.file == nil {
		return nil, fmt.Errorf("no hub credential: set SUBPORTAL_HUB_TOKEN_FILE to the file holding the token hubctl credentials issue printed")
	}
	var tc credentials.TransportCredentials
	if cfg.Insecure {
		tc = insecure.NewCredentials()
	} else {
		if cfg.CAFile == "" {
			return nil, fmt.Errorf("TLS to the hub needs a CA file (or the insecure flag, for tests)")
		}
		c, err := credentials.NewClientTLSFromFile(cfg.CAFile, "")
		if err != nil {
			return nil, fmt.Errorf("load the hub's CA (SUBPORTAL_HUB_CA=%s): %w: give the CA file that signed the aggregator's certificate "+
				"(ca.pem of docs/OPERATIONS.md section 2; var/tls/ca.pem when the aggregator runs in development mode)", cfg.CAFile, err)
		}
		tc = c
	}
	conn, err := grpc.NewClient(cfg.Addr,
		grpc.WithTransportCredentials(tc),
		grpc.WithPerRPCCredentials(creds),
	)
	if err != nil {
		return nil, fmt.Errorf("dial hub %s: %w", cfg.Addr, err)
	}
	return conn, nil
}

// tenantCreds sends the bearer credential (token, or file's current one)
// and the tenant with every call.
type tenantCreds struct {
	token, tenant string
	file          *CredentialFile
	secure        bool
}

func (c tenantCreds) GetRequestMetadata(ctx context.Context, uri ...string) (map[string]string, error) {
	token := c.token
	if c.file != nil {
		token = c.file.current()
	}
	md := map[string]string{"authorization": "Bearer " + token}
	if c.tenant != "" {
		md["x-portalhub-tenant"] = c.tenant
	}
	return md, nil
}

func (c tenantCreds) RequireTransportSecurity() bool { return c.secure }
