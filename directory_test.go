package actiongate

import (
	"strings"
	"testing"
)

// TestDirectoryValidationRules checks the constraints of the users and groups
// model at and beyond their bounds.
func TestDirectoryValidationRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		err     error
		wantErr string // substring of the message; "" means valid
	}{
		{"namespace default", validateNamespace("default"), ""},
		{"namespace 65", validateNamespace(strings.Repeat("a", 65)), "Namespace: must be between 0 and 64"},
		{"namespace slash", validateNamespace("a/b"), "Namespace: must contain only"},

		{"user name", validatePrincipalName("UserName", "alice", maxNameLength), ""},
		{"user name latin-1 and space", validatePrincipalName("UserName", "José O'Neil", maxNameLength), ""},
		{"user name slash", validatePrincipalName("UserName", "Role/session", maxNameLength), ""},
		{"user name empty", validatePrincipalName("UserName", "", maxNameLength), "UserName: must be between 1 and 256"},
		{"user name beyond U+00FF", validatePrincipalName("UserName", "ĉu", maxNameLength), "UserName: must contain only characters U+0020 to U+00FF."},
		{"user name tab", validatePrincipalName("UserName", "a\tb", maxNameLength), "UserName: must contain only"},
		{"user name C1 control", validatePrincipalName("UserName", "a\u0085b", maxNameLength), "UserName: must not contain control characters."},
		{"user name DEL", validatePrincipalName("UserName", "a\x7fb", maxNameLength), "UserName: must not contain control characters."},
		{"member name 256", validatePrincipalName("MemberName", strings.Repeat("m", 256), 256), ""},
		{"member name 257", validatePrincipalName("MemberName", strings.Repeat("m", 257), 256), "MemberName: must be between 1 and 256"},

		{"email", validateEmail("a.b+c@example.co.uk"), ""},
		{"email no at", validateEmail("example.com"), "Email: must be an email address."},
		{"email empty", validateEmail(""), "Email: must be between 1 and 320"},
		{"email newline", validateEmail("a@example.com\n"), "Email: must not contain control characters."},

		{"role", validateUserRole("UserRole", "READER_PRO"), ""},
		{"role lower case", validateUserRole("UserRole", "reader"), "UserRole: must be one of ADMIN, AUTHOR"},
		{"role empty", validateUserRole("Role", ""), "Role: must be one of"},

		{"description absent", validateGroupDescription(nil), ""},
		{"description 512", validateGroupDescription(ptr(strings.Repeat("d", 512))), ""},
		{"description 513", validateGroupDescription(ptr(strings.Repeat("d", 513))), "Description: must be between 1 and 512"},
		{"description empty", validateGroupDescription(ptr("")), "Description: must be between 1 and 512"},
		{"description NUL", validateGroupDescription(ptr("a\x00")), "Description: must not contain control characters."},

		{"custom permissions", validateCustomPermissionsName(ptr("no-export_1")), ""},
		{"custom permissions space", validateCustomPermissionsName(ptr("no export")), "CustomPermissionsName: must contain only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkRule(t, tt.err, tt.wantErr) })
	}
	// Namespaces other than default are well-formed but do not exist.
	for _, ns := range []string{"sales", ""} {
		err := validateNamespace(ns)
		if KindOf(err) != KindNotFound || ResourceTypeOf(err) != "NAMESPACE" || !strings.Contains(MessageOf(err), `only the "default" namespace`) {
			t.Errorf("validateNamespace(%q) = %v (kind %v)", ns, err, KindOf(err))
		}
	}
}

// TestIAMUserName checks how IAM identities are named as QuickSight users.
func TestIAMUserName(t *testing.T) {
	t.Parallel()
	const acct = "111122223333"
	tests := []struct {
		name, arn string
		session   *string
		want      string // the user name, or a substring of the error
		fails     bool
	}{
		{"IAM user", "arn:aws:iam::111122223333:user/alice", nil, "alice", false},
		{"IAM user with a path", "arn:aws:iam::111122223333:user/eng/alice", nil, "alice", false},
		{"role", "arn:aws:iam::111122223333:role/Analyst", nil, "Analyst", false},
		{"role with session", "arn:aws:iam::111122223333:role/Analyst", ptr("bob@example.com"), "Analyst/bob@example.com", false},
		{"session on an IAM user", "arn:aws:iam::111122223333:user/alice", ptr("bob"), "SessionName: is only for users registered for an IAM role.", true},
		{"session too short", "arn:aws:iam::111122223333:role/Analyst", ptr("b"), "SessionName: must be between 2 and 64", true},
		{"session with a space", "arn:aws:iam::111122223333:role/Analyst", ptr("b b"), "SessionName: must contain only", true},
		{"other account", "arn:aws:iam::444455556666:user/alice", nil, "IamArn: must be in account 111122223333.", true},
		{"not IAM", "arn:aws:quicksight:us-east-1:111122223333:user/default/alice", nil, "IamArn: must be the ARN of an IAM user or role", true},
		{"assumed-role ARN", "arn:aws:sts::111122223333:assumed-role/Analyst/bob", nil, "IamArn", true},
		{"group", "arn:aws:iam::111122223333:group/eng", nil, "IamArn", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := iamUserName(acct, tt.arn, tt.session)
			if tt.fails {
				checkRule(t, err, tt.want)
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("iamUserName(%s) = %q, %v, want %q", tt.arn, got, err, tt.want)
			}
		})
	}
}
