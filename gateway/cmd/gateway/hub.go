package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
)

// hubSettings say how the gateway reaches the hub's FeedbackService (the
// citizens' form): the gateway is read-only on the hub's database and hands
// submissions to the aggregator over gRPC with a credential of its own.
type hubSettings struct {
	Addr, CAFile, TokenFile string
	FormKeyFile             string
}

// hubClients are the hub's services the public site hands visitors'
// requests to.
type hubClients struct {
	feedback      pb.FeedbackServiceClient
	subscriptions pb.SubscriptionServiceClient
}

// dialHub returns the hub's FeedbackService and SubscriptionService,
// calling with the token in the settings' file over TLS (the CA file's, or
// the system's pool); nil clients when no hub address is set.
func dialHub(h hubSettings) (hubClients, func(), error) {
	if h.Addr == "" {
		return hubClients{}, func() {}, nil
	}
	b, err := os.ReadFile(h.TokenFile)
	if err != nil {
		return hubClients{}, nil, fmt.Errorf("GATEWAY_HUB_TOKEN_FILE (the gateway's credential for the hub's FeedbackService): %w", err)
	}
	token, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	if token == "" {
		return hubClients{}, nil, fmt.Errorf("GATEWAY_HUB_TOKEN_FILE %s holds no token", h.TokenFile)
	}
	tc := credentials.NewClientTLSFromCert(nil, "")
	if h.CAFile != "" {
		if tc, err = credentials.NewClientTLSFromFile(h.CAFile, ""); err != nil {
			return hubClients{}, nil, fmt.Errorf("GATEWAY_HUB_CA: %w", err)
		}
	}
	conn, err := grpc.NewClient(h.Addr, grpc.WithTransportCredentials(tc), grpc.WithPerRPCCredentials(bearer(token)))
	if err != nil {
		return hubClients{}, nil, fmt.Errorf("dial the hub at %s: %w", h.Addr, err)
	}
	return hubClients{pb.NewFeedbackServiceClient(conn), pb.NewSubscriptionServiceClient(conn)}, func() { conn.Close() }, nil
}

// bearer sends the gateway's token with every call, over TLS only.
type bearer string

func (b bearer) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer " + string(b)}, nil
}

func (bearer) RequireTransportSecurity() bool { return true }

// formKey reads the form key (CSRF tokens, the rate limits' address hashes)
// from path; nil (a random key per process) when path is empty.
func formKey(path string) ([]byte, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("GATEWAY_FORM_KEY_FILE: %w", err)
	}
	key := []byte(strings.TrimSpace(string(b)))
	if len(key) < 32 {
		return nil, fmt.Errorf("GATEWAY_FORM_KEY_FILE %s: the key must be at least 32 characters (openssl rand -base64 32)", path)
	}
	return key, nil
}
