package signon

import (
	"strings"
	"testing"
)

func TestNewAccount(t *testing.T) {
	t.Run("valid", func(t *testing.T) {
		tests := []struct {
			name      string
			in        AccountInput
			wantEmail string
			wantName  string
		}{
			{"coordinator", AccountInput{Email: "  Ana@Example.ORG ", Name: " Ana   López ", Password: "correct horse battery", Role: RoleCoordinator}, "ana@example.org", "Ana López"},
			{"admin with MinPassword multibyte runes", AccountInput{Email: "luis@example.mx", Name: "Luis", Password: strings.Repeat("ñ", MinPassword), Role: RoleAdmin}, "luis@example.mx", "Luis"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				a, err := NewAccount(tt.in)
				if err != nil {
					t.Fatalf("NewAccount() = %v (fields %v), want nil", err, ErrorFields(err))
				}
				if a.Email != tt.wantEmail {
					t.Errorf("Email = %q, want %q", a.Email, tt.wantEmail)
				}
				if a.Name != tt.wantName {
					t.Errorf("Name = %q, want %q", a.Name, tt.wantName)
				}
				if a.Role != tt.in.Role {
					t.Errorf("Role = %q, want %q", a.Role, tt.in.Role)
				}
				if !strings.HasPrefix(a.PasswordHash, "$argon2id$") {
					t.Errorf("PasswordHash = %q, want an argon2id PHC string", a.PasswordHash)
				}
				if strings.Contains(a.PasswordHash, tt.in.Password) {
					t.Error("PasswordHash contains the password")
				}
				if !a.PasswordMatches(tt.in.Password) {
					t.Error("PasswordMatches(right password) = false, want true")
				}
				for _, wrong := range []string{tt.in.Password + "x", strings.ToUpper(tt.in.Password), "", strings.Repeat("a", 4*MaxPassword+1)} {
					if a.PasswordMatches(wrong) {
						t.Errorf("PasswordMatches(%.20q) = true, want false", wrong)
					}
				}
			})
		}
	})

	t.Run("salted", func(t *testing.T) {
		in := AccountInput{Email: "ana@example.org", Name: "Ana", Password: "correct horse battery", Role: RoleAdmin}
		a, err := NewAccount(in)
		if err != nil {
			t.Fatal(err)
		}
		b, err := NewAccount(in)
		if err != nil {
			t.Fatal(err)
		}
		if a.PasswordHash == b.PasswordHash {
			t.Error("two hashes of one password are equal, want distinct salts")
		}
	})

	t.Run("problems", func(t *testing.T) {
		valid := AccountInput{Email: "ana@example.org", Name: "Ana", Password: "correct horse battery", Role: RoleCoordinator}
		tests := []struct {
			name   string
			change func(in *AccountInput)
			want   map[string]Problem
		}{
			{"short password", func(in *AccountInput) { in.Password = strings.Repeat("x", MinPassword-1) },
				map[string]Problem{"password": {Code: ProblemTooShort, Limit: MinPassword}}},
			{"missing password", func(in *AccountInput) { in.Password = "" },
				map[string]Problem{"password": {Code: ProblemRequired}}},
			{"too long password", func(in *AccountInput) { in.Password = strings.Repeat("x", MaxPassword+1) },
				map[string]Problem{"password": {Code: ProblemTooLong, Limit: MaxPassword}}},
			{"missing email", func(in *AccountInput) { in.Email = "  " },
				map[string]Problem{"email": {Code: ProblemRequired}}},
			{"invalid email", func(in *AccountInput) { in.Email = "ana at example.org" },
				map[string]Problem{"email": {Code: ProblemInvalidEmail}}},
			{"missing name", func(in *AccountInput) { in.Name = "" },
				map[string]Problem{"name": {Code: ProblemRequired}}},
			{"name too long", func(in *AccountInput) { in.Name = strings.Repeat("é", MaxName+1) },
				map[string]Problem{"name": {Code: ProblemTooLong, Limit: MaxName}}},
			{"invalid role", func(in *AccountInput) { in.Role = "owner" },
				map[string]Problem{"role": {Code: ProblemInvalidChoice}}},
			{"missing role", func(in *AccountInput) { in.Role = "" },
				map[string]Problem{"role": {Code: ProblemInvalidChoice}}},
			{"everything missing", func(in *AccountInput) { *in = AccountInput{} },
				map[string]Problem{
					"email":    {Code: ProblemRequired},
					"name":     {Code: ProblemRequired},
					"password": {Code: ProblemRequired},
					"role":     {Code: ProblemInvalidChoice},
				}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				in := valid
				tt.change(&in)
				a, err := NewAccount(in)
				assertFields(t, err, tt.want)
				if a != nil {
					t.Errorf("NewAccount() returned %+v with an error, want nil", *a)
				}
			})
		}
	})
}

func TestProblems_Err(t *testing.T) {
	tests := []struct {
		name string
		add  func(p Problems)
		want map[string]Problem // nil: no error
	}{
		{"empty", func(p Problems) {}, nil},
		{"one field", func(p Problems) { p.Add("email", ProblemRequired, 0) },
			map[string]Problem{"email": {Code: ProblemRequired}}},
		{"limit kept", func(p Problems) { p.Add("title", ProblemTooLong, MaxTitle) },
			map[string]Problem{"title": {Code: ProblemTooLong, Limit: MaxTitle}}},
		{"first problem kept", func(p Problems) {
			p.Add("email", ProblemRequired, 0)
			p.Add("email", ProblemInvalidEmail, 0)
			p.Add("email", ProblemTooLong, MaxEmail)
		}, map[string]Problem{"email": {Code: ProblemRequired}}},
		{"several fields", func(p Problems) {
			p.Add("email", ProblemInvalidEmail, 0)
			p.Add("region", ProblemRegionRequired, 0)
		}, map[string]Problem{"email": {Code: ProblemInvalidEmail}, "region": {Code: ProblemRegionRequired}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Problems{}
			tt.add(p)
			err := p.Err()
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Err() = %v, want nil", err)
				}
				return
			}
			assertFields(t, err, tt.want)
			if got := ErrorKey(err); got != "error.invalid_fields" {
				t.Errorf("ErrorKey() = %q, want %q", got, "error.invalid_fields")
			}
			if got := ErrorMessage(err); got != "Please correct the highlighted fields." {
				t.Errorf("ErrorMessage() = %q, want %q", got, "Please correct the highlighted fields.")
			}
		})
	}
}

func TestProblem_Message(t *testing.T) {
	tests := []struct {
		p    Problem
		want string
	}{
		{Problem{Code: ProblemRequired}, "This field is required."},
		{Problem{Code: ProblemTooLong, Limit: 200}, "Use at most 200 characters."},
		{Problem{Code: ProblemTooShort, Limit: 10}, "Use at least 10 characters."},
		{Problem{Code: ProblemRegionRequired}, "Choose a state or province."},
		{Problem{Code: "something_else"}, "This value is not valid."},
	}
	for _, tt := range tests {
		t.Run(tt.p.Code, func(t *testing.T) {
			if got := tt.p.Message(); got != tt.want {
				t.Errorf("Message() = %q, want %q", got, tt.want)
			}
		})
	}
}
