package main

import (
	"bufio"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/rs/zerolog"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/config"
	"github.com/portalhub/portalhub/services/internal/auth"
	"github.com/portalhub/portalhub/services/internal/feedback"
	"github.com/portalhub/portalhub/services/internal/hubstore"
	"github.com/portalhub/portalhub/services/personaldata"
)

// feedbackSettings configure the FeedbackService (issue 9).
type feedbackSettings struct {
	GatewayTokenFile string
	ProvinceTenant   string
	SiteURL          string
	Retention        time.Duration
	ShredEvery       time.Duration
}

func declareFeedbackSettings(set *config.Set, f *feedbackSettings) {
	set.String(&f.GatewayTokenFile, "AGGREGATOR_GATEWAY_TOKEN_FILE", "", "file of the gateway's credential tokens, one a line (kept only as SHA-256): the gateway calls FeedbackService with one; empty: no FeedbackService (make run: var/credentials/gateway.hub-token)")
	set.String(&f.ProvinceTenant, "HUB_FEEDBACK_PROVINCE_TENANT", "vp-ubnd", "the tenant that receives the questions sent to \"I don't know\", to forward them")
	set.String(&f.SiteURL, "HUB_PUBLIC_URL", "http://localhost:8080", "the public portal's address, for the links in the hub's e-mail")
	set.Duration(&f.Retention, "HUB_FEEDBACK_RETENTION", feedback.DefaultRetention, "how long a submission's contact details are kept before their data key is destroyed (the consent text states it)")
	set.Duration(&f.ShredEvery, "HUB_FEEDBACK_SHRED_EVERY", time.Hour, "how often the contact details past their retention are destroyed")
}

// feedbackService builds the FeedbackService and gives the gateway's
// credential to a; nil when AGGREGATOR_GATEWAY_TOKEN_FILE is not set. It
// refuses to start without the personal-data keyring (PERSONAL_DATA_KEYS).
func feedbackService(f feedbackSettings, store *hubstore.Store, a *auth.Authenticator, log zerolog.Logger) (pb.FeedbackServiceServer, *personaldata.Store, error) {
	if f.GatewayTokenFile == "" {
		log.Warn().Msg("AGGREGATOR_GATEWAY_TOKEN_FILE is not set: no FeedbackService, the portal's feedback form answers that it is unavailable")
		return nil, nil, nil
	}
	sums, err := tokenSums(f.GatewayTokenFile)
	if err != nil {
		return nil, nil, fmt.Errorf("AGGREGATOR_GATEWAY_TOKEN_FILE: %w", err)
	}
	ring, err := personaldata.KeyringFromEnv(os.Getenv)
	if err != nil {
		return nil, nil, fmt.Errorf("the FeedbackService keeps personal data: %w", err)
	}
	keys := personaldata.NewStore(store.Pool(), ring)
	shredLog, err := personaldata.ShredLogFromEnv(os.Getenv)
	if err != nil {
		return nil, nil, err
	}
	if shredLog == nil {
		log.Warn().Msg("PERSONAL_DATA_SHRED_LOG is not set: a restore of the database to an earlier point would bring back personal data deleted since")
	}
	keys.SetShredLog(shredLog)
	a.WithService(feedback.Gateway, sums, feedback.GatewayMethods)
	return feedback.NewServer(feedback.NewStore(feedback.Config{Pool: store.Pool(), Keys: keys, ProvinceTenant: f.ProvinceTenant,
		Retention: f.Retention, SiteURL: f.SiteURL}), log), keys, nil
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
