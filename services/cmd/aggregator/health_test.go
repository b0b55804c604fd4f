package main

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/internal/ingest"
	"github.com/portalhub/portalhub/services/testenv"
)

// The health status follows the dependencies: NOT_SERVING while one check
// fails, SERVING again once every check answers.
func TestWatchHealth(t *testing.T) {
	hs := health.NewServer()
	ingest.SetServing(hs, true)
	var dbDown atomic.Bool
	db := func(context.Context) error {
		if dbDown.Load() {
			return errors.New("database down")
		}
		return nil
	}
	nats := func(context.Context) error { return nil }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go watchHealth(ctx, hs, zerolog.Nop(), 10*time.Millisecond, db, nats)

	status := func(want healthpb.HealthCheckResponse_ServingStatus) func() error {
		return func() error {
			for _, svc := range []string{"", pb.IngestService_ServiceDesc.ServiceName} {
				r, err := hs.Check(ctx, &healthpb.HealthCheckRequest{Service: svc})
				if err != nil {
					return err
				}
				if r.Status != want {
					return errors.New(svc + " is " + r.Status.String() + ", want " + want.String())
				}
			}
			return nil
		}
	}
	dbDown.Store(true)
	testenv.WaitFor(t, 10*time.Second, status(healthpb.HealthCheckResponse_NOT_SERVING))
	dbDown.Store(false)
	testenv.WaitFor(t, 10*time.Second, status(healthpb.HealthCheckResponse_SERVING))
}
