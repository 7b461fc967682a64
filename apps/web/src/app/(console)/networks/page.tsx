import { redirect } from "next/navigation";

export default function Page() {
  redirect("/networks/l2");
}
