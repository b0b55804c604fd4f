package main

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/internal/devtls"
	"github.com/portalhub/portalhub/services/natsauth"
)

// jetStreamRoundTrip publishes n messages one at a time to a file-backed
// stream as the aggregator's NATS user (on a subject of its own, outside the
// content stream) and times each until an ordered consumer of the ops user,
// which provisions the stream, receives it.
func jetStreamRoundTrip(ctx context.Context, url, keys string, n int) ([]time.Duration, error) {
	opsConn, err := natsauth.Connect(url, natsauth.Ops, natsauth.SeedFile(keys, natsauth.Ops), "")
	if err != nil {
		return nil, err
	}
	defer opsConn.Close()
	pubConn, err := natsauth.Connect(url, natsauth.Aggregator, natsauth.SeedFile(keys, natsauth.Aggregator), "")
	if err != nil {
		return nil, err
	}
	defer pubConn.Close()
	ops, err := jetstream.New(opsConn)
	if err != nil {
		return nil, err
	}
	js, err := jetstream.New(pubConn)
	if err != nil {
		return nil, err
	}
	// "_bench" is no tenant id, so this never meets a tenant's subjects.
	const stream, subject = "BENCH_RTT", "hub._bench.rtt"
	if _, err := ops.CreateOrUpdateStream(ctx, jetstream.StreamConfig{Name: stream, Subjects: []string{subject}, Storage: jetstream.FileStorage}); err != nil {
		return nil, err
	}
	defer ops.DeleteStream(context.Background(), stream)
	cons, err := ops.OrderedConsumer(ctx, stream, jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverNewPolicy})
	if err != nil {
		return nil, err
	}
	got := make(chan struct{}, 1)
	cc, err := cons.Consume(func(m jetstream.Msg) { got <- struct{}{} })
	if err != nil {
		return nil, err
	}
	defer cc.Stop()
	payload := make([]byte, 300) // about the size of a ContentEvent
	out := make([]time.Duration, 0, n)
	for i := 0; i < n; i++ {
		start := time.Now()
		if _, err := js.Publish(ctx, subject, payload, jetstream.WithMsgID(fmt.Sprintf("rtt-%d", i))); err != nil {
			return nil, err
		}
		select {
		case <-got:
		case <-time.After(5 * time.Second):
			return nil, fmt.Errorf("message %d not consumed", i)
		}
		out = append(out, time.Since(start))
	}
	return out, nil
}

// nopIngest answers Publish at once.
type nopIngest struct {
	pb.UnimplementedIngestServiceServer
}

func (nopIngest) Publish(ctx context.Context, req *pb.PublishRequest) (*pb.PublishResponse, error) {
	return &pb.PublishResponse{Outcome: pb.PublishOutcome_PUBLISH_OUTCOME_APPLIED, CurrentVersion: req.GetItem().GetVersion()}, nil
}

// bareGRPC times n Publish calls, over TLS with a credential in metadata,
// to a server that does nothing.
func bareGRPC(ctx context.Context, tlsDir string, n int) ([]time.Duration, error) {
	ca, cert, key, err := devtls.Ensure(tlsDir)
	if err != nil {
		return nil, err
	}
	stls, err := devtls.ServerTLS(cert, key)
	if err != nil {
		return nil, err
	}
	ctls, err := devtls.ClientTLS(ca)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := grpc.NewServer(grpc.Creds(credentials.NewTLS(stls)))
	pb.RegisterIngestServiceServer(srv, nopIngest{})
	go srv.Serve(ln)
	defer srv.Stop()
	conn, err := grpc.NewClient(ln.Addr().String(), grpc.WithTransportCredentials(credentials.NewTLS(ctls)))
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	client := pb.NewIngestServiceClient(conn)
	cctx := metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer phk_reference")
	item := benchItem(1)
	out := make([]time.Duration, 0, n)
	for i := 0; i < n; i++ {
		item.Version = uint64(i + 1)
		start := time.Now()
		if _, err := client.Publish(cctx, &pb.PublishRequest{Item: item}); err != nil {
			return nil, err
		}
		out = append(out, time.Since(start))
	}
	return out, nil
}
