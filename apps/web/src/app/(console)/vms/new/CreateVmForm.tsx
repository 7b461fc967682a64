"use client";

import { withDataLayer } from "~/trpc/withDataLayer";

// The form brings react-query and the tRPC client when it loads, after the page's first paint.
export const CreateVmForm = withDataLayer(() =>
  import("./CreateVmPage").then((m) => m.CreateVmPage),
);
