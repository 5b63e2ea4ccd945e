/**
 * 账号通知: the one-time initial passwords of new accounts (created one by one or imported), shown once on the
 * page that created them — never stored in clear, never in the audit log or an export. The account must change
 * its password at its first sign-in (docs/decisions/0152).
 */
export function InitialPasswords({ rows }: { rows: { username: string; displayName: string; password: string }[] }) {
  if (!rows.length) return null;
  return (
    <div className="card" data-testid="initial-passwords">
      <p className="form-error">
        以下初始密码只显示这一次，系统不保存明文。请立即打印或抄录，分发本人；本人首次登录时，系统会要求改为自己的密码。
      </p>
      <table className="data">
        <thead>
          <tr>
            <th>用户名</th>
            <th>姓名</th>
            <th>初始密码</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((p) => (
            <tr key={p.username}>
              <td>{p.username}</td>
              <td>{p.displayName}</td>
              <td>
                <code>{p.password}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" className="secondary no-print" onClick={() => window.print()}>
        打印账号通知
      </button>
    </div>
  );
}
