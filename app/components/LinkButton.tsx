import { Button, type ButtonProps } from "antd";
import { useHref, useLinkClickHandler } from "react-router";

/**
 * A link that looks like a button: one <a> element (not a button inside a
 * link, which screen readers announce twice), navigating in the app when
 * script runs and as a plain link when it does not.
 */
export function LinkButton({ to, ...props }: Omit<ButtonProps, "href" | "onClick"> & { to: string }) {
  const href = useHref(to);
  const onClick = useLinkClickHandler<HTMLElement>(to);
  return <Button {...props} href={href} onClick={onClick} />;
}
