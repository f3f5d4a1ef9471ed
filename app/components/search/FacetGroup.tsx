import { Button, Checkbox, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";

export type FacetOption = { value: string; label: string; count: number };

const VISIBLE = 8;

/**
 * One facet of a search form: a titled group of native checkboxes named
 * `name`, each with the number of results it would keep. It lives inside the
 * page's GET form, so a choice is part of the URL (shareable, back-button
 * friendly) and works by keyboard; `onChange` lets the page submit at once.
 * Chosen values stay listed even when the current results have none of them.
 */
export function FacetGroup(props: {
  title: string;
  name: string;
  options: readonly FacetOption[];
  selected: readonly string[];
  onChange?: () => void;
}) {
  const { t } = useTranslation();
  const [expanded, setExpanded] = useState(false);
  const chosen = new Set(props.selected);
  const options = [
    ...props.options,
    ...props.selected.filter((v) => !props.options.some((o) => o.value === v)).map((v) => ({ value: v, label: v, count: 0 })),
  ];
  const shown = expanded ? options : options.slice(0, VISIBLE);
  const id = `facet-${props.name}`;
  return (
    <fieldset className="facet-group" aria-labelledby={`${id}-title`} data-testid={id}>
      <Typography.Text strong id={`${id}-title`} style={{ display: "block", marginBottom: 4 }}>
        {props.title}
      </Typography.Text>
      {options.length === 0 && <Typography.Text type="secondary">{t("search.noFacetValues")}</Typography.Text>}
      {shown.map((o) => (
        <div key={o.value}>
          <Checkbox name={props.name} value={o.value} defaultChecked={chosen.has(o.value)} onChange={props.onChange}>
            {o.label} <Typography.Text type="secondary">({o.count.toLocaleString()})</Typography.Text>
          </Checkbox>
        </div>
      ))}
      {options.length > VISIBLE && (
        <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setExpanded(!expanded)} aria-expanded={expanded}>
          {expanded ? t("search.showFewer") : t("search.showAll", { count: options.length })}
        </Button>
      )}
    </fieldset>
  );
}
