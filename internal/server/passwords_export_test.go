package server

// HoldPasswordSlots takes every slot of the server's password gate, as a
// burst of logins would, until release is called.
func (s *Server) HoldPasswordSlots() (release func()) {
	for range cap(s.passwords.slots) {
		s.passwords.slots <- struct{}{}
	}
	return func() {
		for range cap(s.passwords.slots) {
			<-s.passwords.slots
		}
	}
}

// PasswordChecks is how many passwords the server has verified, the
// dummy checks for unknown emails included.
func (s *Server) PasswordChecks() int64 { return s.passwords.checks.Load() }
