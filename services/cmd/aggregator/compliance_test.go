package main

import (
	"testing"

	"github.com/rs/zerolog"
)

// HUB_COMPLIANCE_RULES: unset turns the alerts off, a wrong file stops the
// start, the deployed file gives a watch.
func TestComplianceWatchSetting(t *testing.T) {
	log := zerolog.New(zerolog.NewTestWriter(t))
	if w, err := complianceWatch(settings{}, nil, log); w != nil || err != nil {
		t.Errorf("unset: %v, %v; want no watch, no error", w, err)
	}
	if _, err := complianceWatch(settings{ComplianceRules: "no-such-rules.toml"}, nil, log); err == nil {
		t.Error("a missing rules file: no error")
	}
	w, err := complianceWatch(settings{ComplianceRules: "../../../deploy/rules/khanhhoa.toml"}, nil, log)
	if err != nil || w == nil || w.Rules.Thresholds.SubportalPerWeek != 2 {
		t.Errorf("deployed rules: %v, %v", w, err)
	}
}
