package push

import (
	"errors"
	"strings"
	"testing"

	"github.com/portalhub/portalhub/services/contentrules"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Each way the link to the hub fails is told apart, with what is wrong and
// what to do (issue 10 point 13: a revoked credential, a suspended tenant
// and a TLS failure were all "hub unavailable; will retry").
func TestDiagnose(t *testing.T) {
	e := Endpoint{Tenant: "so-gddt", HubAddr: "hub.example:9443"}
	tlsErr := status.Error(codes.Unavailable, `connection error: desc = "transport: authentication handshake failed: `+
		`tls: failed to verify certificate: x509: certificate signed by unknown authority"`)
	for _, tc := range []struct {
		err         error
		state       string
		operator    bool
		problem     string
		fix         string
		notInStatus bool
	}{
		{nil, LinkOK, false, "", "", false},
		{status.Error(codes.Unauthenticated, "credential revoked"), LinkCredential, true, "refuses this sub-portal's credential", "hubctl credentials issue --tenant so-gddt", false},
		{contentrules.Refuse(contentrules.ReasonUnauthenticated, "", "unknown credential", ""), LinkCredential, true, "credential", "SUBPORTAL_HUB_TOKEN_FILE", false},
		{contentrules.Refuse(contentrules.ReasonTenantInactive, "", "suspended", ""), LinkTenantInactive, true, "suspended", "hubctl tenants resume --id so-gddt", false},
		{contentrules.Refuse(contentrules.ReasonTenantMismatch, "", "not yours", ""), LinkTenantMismatch, true, `not tenant "so-gddt"`, "set SUBPORTAL_TENANT", false},
		// After a rename the hub names the unit's new id; the fix says what a rename asks.
		{contentrules.Refuse(contentrules.ReasonTenantMismatch, "", "the credential belongs to tenant so-gd-dt, not to the tenant this call names", ""),
			LinkTenantMismatch, true, "belongs to tenant so-gd-dt", "if the hub renamed the unit, set SUBPORTAL_TENANT to the new id", false},
		{tlsErr, LinkTLS, true, "TLS with the hub at hub.example:9443 fails", "SUBPORTAL_HUB_CA", false},
		{status.Error(codes.Unavailable, "connection refused"), LinkUnavailable, false, "hub.example:9443 does not answer", "SUBPORTAL_HUB_ADDR", false},
		{errors.New("dial tcp: i/o timeout"), LinkUnavailable, false, "does not answer", "rows stay pending", false},
	} {
		l := e.diagnose(tc.err)
		if l.State != tc.state || l.NeedsOperator() != tc.operator ||
			!strings.Contains(l.Problem, tc.problem) || !strings.Contains(l.Fix, tc.fix) {
			t.Errorf("diagnose(%v) = %+v; want %s (operator %v) with %q and %q", tc.err, l, tc.state, tc.operator, tc.problem, tc.fix)
		}
	}
}
