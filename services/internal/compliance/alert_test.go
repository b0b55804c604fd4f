package compliance_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/rs/zerolog"

	"github.com/portalhub/portalhub/services/events"
	"github.com/portalhub/portalhub/services/hubschema"
	"github.com/portalhub/portalhub/services/internal/compliance"
	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/internal/outbox"
	"github.com/portalhub/portalhub/services/natsauth"
	"github.com/portalhub/portalhub/services/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// The compliance watch raises each alert once, through the outbox, and the
// relay announces it on hub.compliance.<tenant>.
func TestWatchAlertsThroughTheOutbox(t *testing.T) {
	ctx := context.Background()
	rules, err := compliance.Load("../../../deploy/rules/khanhhoa.toml")
	if err != nil {
		t.Fatal(err)
	}
	store, err := hubstore.Open(ctx, testenv.Postgres(t, "compliance", hubschema.Migrate))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	for _, tn := range []hubstore.Tenant{
		{ID: "khanhhoa", Kind: "province", NameVI: "Tỉnh Khánh Hòa"},
		{ID: "so-gd", Kind: "department", NameVI: "Sở Giáo dục", Registry: hubstore.Registry{Email: "sogd@khanhhoa.gov.vn"}},
		{ID: "so-yt", Kind: "department", NameVI: "Sở Y tế"},
	} {
		if err := store.AddTenant(ctx, "test", tn); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{
		`UPDATE tenants SET created_at = '2025-01-01T00:00:00+07'`,
		// so-yt made its two updates in 2026-W17; so-gd one; khanhhoa one, on Monday.
		`INSERT INTO compliance_updates (tenant_id, content_id, version, applied_at, new_item, published_at) VALUES
			('so-yt', 'a', 1, '2026-04-21T08:00:00+07', false, '2026-04-20T08:00:00+07'),
			('so-yt', 'a', 2, '2026-04-23T08:00:00+07', false, '2026-04-20T08:00:00+07'),
			('so-gd', 'b', 1, '2026-04-22T08:00:00+07', false, '2026-04-22T08:00:00+07'),
			('khanhhoa', 'c', 1, '2026-04-20T08:00:00+07', false, '2026-04-20T08:00:00+07')`,
	} {
		if _, err := store.Pool().Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	w := &compliance.Watch{Rules: rules, Tenants: store.ComplianceTenants, Updates: store.ComplianceUpdates,
		Raise: store.RaiseComplianceAlert, Log: zerolog.New(zerolog.NewTestWriter(t))}
	// Tuesday 28 April 2026, noon GMT+7: 2026-W17 is over; in 2026-W18,
	// Monday 27 was the Hùng Kings' compensatory day and Tuesday is running.
	now := time.Date(2026, 4, 28, 12, 0, 0, 0, compliance.Zone)
	raised, err := w.Check(ctx, now)
	// so-gd for the week; khanhhoa for Tuesday to Friday of W17.
	if err != nil || raised != 5 {
		t.Fatalf("Check raised %d alerts, %v; want 5", raised, err)
	}
	if raised, err := w.Check(ctx, now.Add(time.Hour)); err != nil || raised != 0 {
		t.Errorf("second Check raised %d, %v; want 0 (each alert once)", raised, err)
	}
	// The agency with a contact address is told by e-mail, once (issue 10
	// point 4: the alert went to NATS and the console only); khanhhoa has
	// none, so its four alerts queue no mail.
	rows, err := store.Pool().Query(ctx, `SELECT recipient, purpose, subject, text_body FROM mail_outbox ORDER BY created_at`)
	if err != nil {
		t.Fatal(err)
	}
	var mails []string
	for rows.Next() {
		var to, purpose, subject, text string
		if err := rows.Scan(&to, &purpose, &subject, &text); err != nil {
			t.Fatal(err)
		}
		mails = append(mails, to+" "+purpose)
		for _, want := range []string{"2026-W17", "Sở Giáo dục", "Điều 11", "Article 11", "1 lần cập nhật", "at least 2"} {
			if !strings.Contains(subject+text, want) {
				t.Errorf("notice to %s lacks %q:\n%s\n%s", to, want, subject, text)
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(mails, ","); got != "sogd@khanhhoa.gov.vn "+hubstore.ComplianceNoticePurpose {
		t.Errorf("queued mail %q, want one notice to sogd@khanhhoa.gov.vn", got)
	}

	bus := testenv.NATS(t)
	js, err := jetstream.New(bus.Connect(t, natsauth.Aggregator))
	if err != nil {
		t.Fatal(err)
	}
	relay := outbox.NewRelay(outbox.Config{Pool: store.Pool(), JS: js, Log: zerolog.New(zerolog.NewTestWriter(t))})
	runCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); _ = relay.Run(runCtx) }()
	defer func() { stop(); wg.Wait() }()

	ops, err := jetstream.New(bus.Connect(t, natsauth.Ops))
	if err != nil {
		t.Fatal(err)
	}
	stream, err := ops.Stream(ctx, events.ContentStream)
	if err != nil {
		t.Fatal(err)
	}
	var msg *jetstream.RawStreamMsg
	testenv.WaitFor(t, 10*time.Second, func() error {
		msg, err = stream.GetLastMsgForSubject(ctx, events.ComplianceSubject("so-gd"))
		return err
	})
	var alert compliance.Alert
	if err := json.Unmarshal(msg.Data, &alert); err != nil {
		t.Fatal(err)
	}
	a := alert.Assessment
	if alert.Tenant != "so-gd" || alert.Period != "2026-W17" || alert.Decree == "" ||
		a.Status != compliance.StatusBehind || a.Required != 2 || a.Counted != 1 {
		t.Errorf("alert %+v", alert)
	}
	if id := msg.Header.Get("Nats-Msg-Id"); id != events.ComplianceMsgID("so-gd", "2026-W17") {
		t.Errorf("Nats-Msg-Id %q", id)
	}
	testenv.WaitFor(t, 10*time.Second, func() error {
		info, err := stream.Info(ctx, jetstream.WithSubjectFilter(events.ComplianceSubjects))
		if err != nil {
			return err
		}
		// State.Msgs counts the whole stream (tenant changes too); the
		// filter's per-subject counts are the alerts.
		alerts := uint64(0)
		for _, n := range info.State.Subjects {
			alerts += n
		}
		if alerts != 5 {
			return fmt.Errorf("%d alerts in the stream, want 5", alerts)
		}
		return nil
	})
}
