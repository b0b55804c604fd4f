package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/rs/zerolog"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/config"
	"github.com/portalhub/portalhub/services/internal/auth"
	"github.com/portalhub/portalhub/services/internal/compliance"
	"github.com/portalhub/portalhub/services/internal/feedback"
	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/internal/subscriptions"
	"github.com/portalhub/portalhub/services/personaldata"
)

// feedbackSettings configure the FeedbackService (issue 9).
type feedbackSettings struct {
	GatewayTokenFile string
	ProvinceTenant   string
	SiteURL          string
	Retention        time.Duration
	ShredEvery       time.Duration
	DueDays          int
	// SubscriptionSecretFile and DigestEvery configure the
	// SubscriptionService (issue 9 point 9), served with FeedbackService.
	SubscriptionSecretFile string
	DigestEvery            time.Duration
}

func declareFeedbackSettings(set *config.Set, f *feedbackSettings) {
	set.String(&f.GatewayTokenFile, "AGGREGATOR_GATEWAY_TOKEN_FILE", "", "file of the gateway's credential tokens, one a line (kept only as SHA-256): the gateway calls FeedbackService with one; empty: no FeedbackService (make run: var/credentials/gateway.hub-token)")
	set.String(&f.ProvinceTenant, "HUB_FEEDBACK_PROVINCE_TENANT", "vp-ubnd", "the tenant that receives the questions sent to \"I don't know\", to forward them")
	set.String(&f.SiteURL, "HUB_PUBLIC_URL", "http://localhost:8080", "the public portal's address, for the links in the hub's e-mail")
	set.Duration(&f.Retention, "HUB_FEEDBACK_RETENTION", feedback.DefaultRetention, "how long a submission's contact details are kept before their data key is destroyed (the consent text states it)")
	set.Int(&f.DueDays, "HUB_FEEDBACK_DUE_WORKING_DAYS", feedback.DefaultDueDays, "working days (on HUB_COMPLIANCE_RULES's calendar) an agency has to answer a question; without a rules file, questions have no due date")
	set.Duration(&f.ShredEvery, "HUB_FEEDBACK_SHRED_EVERY", time.Hour, "how often the contact details past their retention are destroyed")
	set.String(&f.SubscriptionSecretFile, "HUB_SUBSCRIPTION_SECRET_FILE", "", "file holding the e-mail subscriptions' secret (32 random bytes, base64): keys the address hash and the unsubscribe links; empty: no SubscriptionService (make run: var/credentials/subscription-secret)")
	set.Duration(&f.DigestEvery, "HUB_SUBSCRIPTION_DIGEST_EVERY", time.Hour, "how often the subscribers get a digest of what was published since the last one")
}

// feedbackService builds the FeedbackService and gives the gateway's
// credential to a; nil when AGGREGATOR_GATEWAY_TOKEN_FILE is not set. It
// refuses to start without the personal-data keyring (PERSONAL_DATA_KEYS).
func feedbackService(f feedbackSettings, rulesFile string, store *hubstore.Store, a *auth.Authenticator, log zerolog.Logger) (pb.FeedbackServiceServer, *personaldata.Store, *feedback.Store, error) {
	if f.GatewayTokenFile == "" {
		log.Warn().Msg("AGGREGATOR_GATEWAY_TOKEN_FILE is not set: no FeedbackService, the portal's feedback form answers that it is unavailable")
		return nil, nil, nil, nil
	}
	sums, err := tokenSums(f.GatewayTokenFile)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("AGGREGATOR_GATEWAY_TOKEN_FILE: %w", err)
	}
	ring, err := personaldata.KeyringFromEnv(os.Getenv)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("the FeedbackService keeps personal data: %w", err)
	}
	keys := personaldata.NewStore(store.Pool(), ring)
	shredLog, err := personaldata.ShredLogFromEnv(os.Getenv)
	if err != nil {
		return nil, nil, nil, err
	}
	if shredLog == nil {
		log.Warn().Msg("PERSONAL_DATA_SHRED_LOG is not set: a restore of the database to an earlier point would bring back personal data deleted since")
	}
	keys.SetShredLog(shredLog)
	a.WithService(feedback.Gateway, sums, append(append([]string{}, feedback.GatewayMethods...), subscriptions.GatewayMethods...))
	cfg := feedback.Config{Pool: store.Pool(), Keys: keys, ProvinceTenant: f.ProvinceTenant,
		Retention: f.Retention, SiteURL: f.SiteURL, DueDays: f.DueDays, Log: log}
	if rulesFile != "" {
		// Due dates count the working days of the compliance rules' calendar.
		rules, err := compliance.Load(rulesFile)
		if err != nil {
			return nil, nil, nil, err
		}
		cfg.WorkingDay = rules.Calendar.WorkingDay
	}
	fs := feedback.NewStore(cfg)
	// A merged unit's open questions go to its successor with its items.
	store.OnMerge(hubstore.MergeHook{Name: "questions", Move: fs.MoveOpen})
	return feedback.NewServer(fs, log), keys, fs, nil
}

// tokenSums reads a file of tokens, one a line, and returns their SHA-256.
func tokenSums(path string) ([][32]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	var sums [][32]byte
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		if t := strings.TrimSpace(sc.Text()); t != "" && !strings.HasPrefix(t, "#") {
			sums = append(sums, sha256.Sum256([]byte(t)))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(sums) == 0 {
		return nil, errors.New(path + " holds no token")
	}
	return sums, nil
}

// subscriptionService is the SubscriptionService over the feedback's data
// keys, for the gateway's credential; nil when HUB_SUBSCRIPTION_SECRET_FILE
// is not set (or the FeedbackService is off: it holds the gateway's
// credential and the keys).
func subscriptionService(f feedbackSettings, store *hubstore.Store, keys *personaldata.Store, log zerolog.Logger) (*subscriptions.Store, pb.SubscriptionServiceServer, error) {
	if keys == nil || f.SubscriptionSecretFile == "" {
		log.Warn().Msg("HUB_SUBSCRIPTION_SECRET_FILE (with the FeedbackService) is not set: no e-mail subscriptions")
		return nil, nil, nil
	}
	b, err := os.ReadFile(f.SubscriptionSecretFile)
	if err != nil {
		return nil, nil, fmt.Errorf("HUB_SUBSCRIPTION_SECRET_FILE: %w", err)
	}
	secret, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(secret) < 32 {
		return nil, nil, errors.New("HUB_SUBSCRIPTION_SECRET_FILE must hold 32 random bytes in base64: openssl rand -base64 32")
	}
	st := subscriptions.NewStore(subscriptions.Config{Pool: store.Pool(), Keys: keys, Secret: secret, SiteURL: f.SiteURL})
	return st, subscriptions.NewServer(st, feedback.Gateway, log), nil
}
