package push

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/tenants/internal/store"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// bulkCallTimeout bounds one PublishBulk stream: the hub caps every call at
// 30 s.
const bulkCallTimeout = 30 * time.Second

// DrainBulk delivers the due rows as Drain does, but the items of rows
// claimed together go to the hub over one PublishBulk stream (the hub
// applies them in a few transactions, answering each as Publish would):
// the way an import of many items is pushed (subportal import). Each
// answer is settled as Drain settles Publish's; rows whose items attach
// files go one by one as in Drain, their files first. claim is how many
// rows one stream carries (at most what the hub applies in 30 s). done is
// told how many rows were settled so far. It returns when no due row is
// left or the relay holds off (the hub or the database unavailable).
func (r *Relay) DrainBulk(ctx context.Context, claim int, done func(settled int)) {
	settled := 0
	for ctx.Err() == nil && !time.Now().Before(r.pause) {
		rows, err := r.store.Claim(ctx, claim, r.cfg.Lease)
		if err != nil {
			if ctx.Err() == nil {
				r.databaseTrouble(r.log, err, "claim outbox rows")
			}
			return
		}
		if len(rows) == 0 {
			return
		}
		var plain []store.Claimed
		for _, row := range rows {
			if len(shasOf(row.Item)) > 0 {
				r.deliver(ctx, row)
				settled++
				continue
			}
			plain = append(plain, row)
		}
		r.deliverBulk(ctx, plain)
		settled += len(plain)
		if done != nil {
			done(settled)
		}
	}
}

// deliverBulk pushes rows' items over one PublishBulk stream and settles
// each row with its answer; rows the stream ended before answering are
// settled with the error that ended it (released for a retry, mostly).
func (r *Relay) deliverBulk(ctx context.Context, rows []store.Claimed) {
	if len(rows) == 0 {
		return
	}
	start := time.Now()
	cctx, cancel := context.WithTimeout(ctx, bulkCallTimeout)
	defer cancel()
	answers, err := r.publishBulk(cctx, rows)
	r.m.duration.Observe(time.Since(start).Seconds())
	for i, row := range rows {
		log := r.log.With().Str("content_id", row.Item.GetContentId()).Uint64("version", row.Item.GetVersion()).Int64("outbox_id", row.ID).Logger()
		if i >= len(answers) {
			if ctx.Err() != nil {
				r.release(log, row.ID, 0, "relay stopped")
				continue
			}
			r.settle(ctx, log, row, nil, err, false)
			continue
		}
		a := answers[i]
		if a.Error != nil {
			r.settle(ctx, log, row, nil, status.FromProto(a.Error).Err(), false)
		} else {
			r.settle(ctx, log, row, a.Result, nil, false)
		}
	}
}

// publishBulk sends rows' items on one PublishBulk stream and returns the
// answers received, in order, and the error that ended the stream early
// (nil when every row was answered).
func (r *Relay) publishBulk(ctx context.Context, rows []store.Claimed) ([]*pb.PublishBulkResponse, error) {
	stream, err := r.hub.PublishBulk(ctx)
	if err != nil {
		return nil, err
	}
	go func() {
		for _, row := range rows {
			if stream.Send(&pb.PublishBulkRequest{Item: row.Item}) != nil {
				return // Recv reports why
			}
		}
		stream.CloseSend()
	}()
	var answers []*pb.PublishBulkResponse
	for len(answers) < len(rows) {
		a, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return answers, status.Error(codes.Unavailable, fmt.Sprintf("the hub ended the stream after %d of %d answers", len(answers), len(rows)))
		}
		if err != nil {
			return answers, err
		}
		if a.GetContentId() != rows[len(answers)].Item.GetContentId() || a.GetVersion() != rows[len(answers)].Item.GetVersion() {
			return answers, status.Error(codes.Unavailable, fmt.Sprintf("the hub answered %s@%d for %s@%d", a.GetContentId(), a.GetVersion(),
				rows[len(answers)].Item.GetContentId(), rows[len(answers)].Item.GetVersion()))
		}
		answers = append(answers, a)
	}
	return answers, nil
}
