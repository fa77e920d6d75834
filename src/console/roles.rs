//! The four console roles and what each may do. Pure: the server asks [`Role::may`] on every
//! request, whatever buttons the page showed.

/// A console account's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// 编辑: drafts and submits articles.
    Editor,
    /// 审核: approves or rejects (never their own article).
    Approver,
    /// 站长: everything, including emergencies and users.
    Manager,
    /// 只读: reads pages and logs, changes nothing.
    Reader,
}

/// Something a request wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read any page.
    Read,
    /// Submit a new article.
    Submit,
    /// Approve or reject an article.
    Judge,
    /// Start or cancel an emergency cut-in.
    Emergency,
    /// Add, change or disable accounts.
    ManageUsers,
}

impl Role {
    /// Every role, in the order the user page lists them.
    pub const ALL: [Role; 4] = [Role::Editor, Role::Approver, Role::Manager, Role::Reader];

    /// The Chinese name, as stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Editor => "编辑",
            Role::Approver => "审核",
            Role::Manager => "站长",
            Role::Reader => "只读",
        }
    }

    /// The role named `s` (Chinese, or `editor`/`approver`/`manager`/`reader`).
    pub fn parse(s: &str) -> Option<Role> {
        match s.trim() {
            "编辑" | "editor" => Some(Role::Editor),
            "审核" | "approver" => Some(Role::Approver),
            "站长" | "manager" => Some(Role::Manager),
            "只读" | "reader" => Some(Role::Reader),
            _ => None,
        }
    }

    /// Whether this role may do `action`.
    pub fn may(self, action: Action) -> bool {
        match action {
            Action::Read => true,
            Action::Submit => matches!(self, Role::Editor | Role::Manager),
            Action::Judge => matches!(self, Role::Approver | Role::Manager),
            Action::Emergency | Action::ManageUsers => self == Role::Manager,
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::{Action, Role};

    #[test]
    fn what_each_role_may_do() {
        let rows = [
            (Role::Editor, [true, true, false, false, false]),
            (Role::Approver, [true, false, true, false, false]),
            (Role::Manager, [true, true, true, true, true]),
            (Role::Reader, [true, false, false, false, false]),
        ];
        let actions = [
            Action::Read,
            Action::Submit,
            Action::Judge,
            Action::Emergency,
            Action::ManageUsers,
        ];
        for (role, expected) in rows {
            for (action, may) in actions.iter().zip(expected) {
                assert_eq!(role.may(*action), may, "{role} {action:?}");
            }
        }
    }

    #[test]
    fn names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("admin"), None);
    }
}
