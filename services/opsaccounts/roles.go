package opsaccounts

import "fmt"

// Role is what an ops account may do: a viewer reads, an operator runs the
// federation day to day, an administrator also manages credentials and
// accounts. Each role may do everything the roles below it may.
type Role string

// The roles, from least to most.
const (
	Viewer        Role = "viewer"
	Operator      Role = "operator"
	Administrator Role = "administrator"
)

// Roles lists the roles from least to most.
var Roles = []Role{Viewer, Operator, Administrator}

// rank orders the roles; 0 is no role.
func (r Role) rank() int {
	for i, x := range Roles {
		if x == r {
			return i + 1
		}
	}
	return 0
}

// ParseRole reads a role's name.
func ParseRole(s string) (Role, error) {
	if r := Role(s); r.rank() > 0 {
		return r, nil
	}
	return "", fmt.Errorf("%w: role %q: want viewer, operator or administrator", ErrInvalid, s)
}

// Label is the role's name in Vietnamese, for the console.
func (r Role) Label() string {
	switch r {
	case Viewer:
		return "Xem"
	case Operator:
		return "Vận hành"
	case Administrator:
		return "Quản trị"
	}
	return string(r)
}

// Action is something an ops account asks to do, through the OpsService,
// hubctl or the console. Actions are named area.verb.
type Action string

// The actions, each with the least role that may take it in minimumRole.
const (
	TenantsView    Action = "tenants.view"    // list and read tenants
	TenantsAdd     Action = "tenants.add"     // add a tenant
	TenantsUpdate  Action = "tenants.update"  // edit names, hosts, parent, kind, contacts
	TenantsSuspend Action = "tenants.suspend" // suspend and resume
	// TenantsLifecycle: rename, merge and retire units, import redirect maps.
	TenantsLifecycle Action = "tenants.lifecycle"
	CredentialsView  Action = "credentials.view"  // list credentials with their last use
	CredentialsIssue Action = "credentials.issue" // issue, rotate, revoke
	ComplianceView   Action = "compliance.view"   // Article 11 reports
	AuditView        Action = "audit.view"        // list and verify the audit log
	ItemsView        Action = "items.view"        // items, versions, refused pushes
	ItemsTakedown    Action = "items.takedown"    // take an item down, lift a takedown
	FeaturedManage   Action = "featured.manage"   // the provincial home page's featured items
	AdvertsManage    Action = "adverts.manage"    // the advertising slot (Article 13)
	StatsView        Action = "stats.view"        // statistics
	MaintenanceEdit  Action = "maintenance.edit"  // schedule and end maintenance windows
	AccountsView     Action = "accounts.view"     // list ops accounts
	AccountsManage   Action = "accounts.manage"   // add, disable, change role or password of ops accounts
	SearchManage     Action = "search.manage"     // add and remove search best bets
	SearchReindex    Action = "search.reindex"    // rebuild the search index
	// PersonalDataKeys: rewrap citizens' personal-data keys under the
	// current key, destroy again after a restore what a shred log names.
	PersonalDataKeys Action = "personal_data.keys"
)

// minimumRole is the one table of who may do what: each action and the
// least role allowed to take it. An action missing here is refused to
// everyone.
var minimumRole = map[Action]Role{
	TenantsView:      Viewer,
	TenantsAdd:       Administrator,
	TenantsUpdate:    Operator,
	TenantsSuspend:   Operator,
	TenantsLifecycle: Administrator,
	CredentialsView:  Viewer,
	CredentialsIssue: Administrator,
	ComplianceView:   Viewer,
	AuditView:        Viewer,
	ItemsView:        Viewer,
	ItemsTakedown:    Operator,
	FeaturedManage:   Operator,
	AdvertsManage:    Administrator,
	StatsView:        Viewer,
	MaintenanceEdit:  Operator,
	AccountsView:     Administrator,
	AccountsManage:   Administrator,
	SearchManage:     Operator,
	SearchReindex:    Operator,
	PersonalDataKeys: Administrator,
}

// Allows reports whether role may take action.
func Allows(role Role, action Action) bool {
	min, ok := minimumRole[action]
	return ok && role.rank() >= min.rank() && role.rank() > 0
}

// MinimumRole is the least role that may take action, and whether the
// action is known.
func MinimumRole(action Action) (Role, bool) {
	r, ok := minimumRole[action]
	return r, ok
}
